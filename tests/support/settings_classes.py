"""Each service's settings class and the environment variables it reads: what the deployment
tests (compose file, Kubernetes manifests) check their variables against."""

import importlib
from types import ModuleType

from pydantic_settings import BaseSettings

from shared.settings import ServiceSettings


def settings_class(name: str) -> type[ServiceSettings]:
    """The one BaseSettings subclass defined in services/<name>/settings.py."""
    module: ModuleType = importlib.import_module(f"services.{name}.settings")
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseSettings)
        and value.__module__ == module.__name__
    ]
    assert len(classes) == 1, (
        f"services/{name}/settings.py should define exactly one settings class, found "
        f"{[cls.__name__ for cls in classes]}"
    )
    found = classes[0]
    assert issubclass(found, ServiceSettings), "service settings extend ServiceSettings"
    return found


def env_names(settings: type[BaseSettings]) -> set[str]:
    """The environment variables a settings class reads (its prefix and field names)."""
    prefix = settings.model_config.get("env_prefix", "")
    return {f"{prefix}{field}".upper() for field in settings.model_fields}
