"""`python -m services.sales` runs the sales service."""

from services.sales.app import create_service
from services.sales.settings import SalesSettings
from shared.runtime import run

if __name__ == "__main__":
    settings = SalesSettings()
    run(create_service(settings))
