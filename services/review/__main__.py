"""`python -m services.review` runs the review service."""

from services.review.app import create_service
from services.review.settings import ReviewSettings
from shared.runtime import run

if __name__ == "__main__":
    settings = ReviewSettings()
    run(create_service(settings))
