"""`python -m services.finance` runs the finance service."""

from services.finance.app import create_service
from services.finance.settings import FinanceSettings
from shared.runtime import run

if __name__ == "__main__":
    settings = FinanceSettings()
    run(create_service(settings))
