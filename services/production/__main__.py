"""`python -m services.production` runs the production service."""

from services.production.app import create_service
from services.production.settings import ProductionSettings
from shared.runtime import run

if __name__ == "__main__":
    settings = ProductionSettings()
    run(create_service(settings))
