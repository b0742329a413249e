"""`python -m services.logistics` runs the logistics service."""

from services.logistics.app import create_service
from services.logistics.settings import LogisticsSettings
from shared.runtime import run

if __name__ == "__main__":
    settings = LogisticsSettings()
    run(create_service(settings))
