"""docker-compose.yml and deploy/Dockerfile agree with the code they deploy.

The services read their settings from ORDERFLOW_<SERVICE>_<FIELD> variables; a misspelt
variable in the compose file is silently ignored at run time and the service falls back to a
default (e.g. a SQLite file instead of PostgreSQL). These tests turn such a typo into a failure.
"""

import importlib
import importlib.util
import json
import re
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
import yaml

from tests.support.settings_classes import env_names, settings_class

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"
POSTGRES_INIT_DIR = REPO_ROOT / "deploy" / "postgres-init"

SERVICES = ("sales", "review", "production", "logistics", "finance")
INFRASTRUCTURE = ("kafka", "postgres", "bus-setup")


def _compose() -> dict[str, Any]:
    with COMPOSE_FILE.open() as file:
        return cast(dict[str, Any], yaml.safe_load(file))


def _service(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], _compose()["services"][name])


def _environment(name: str) -> dict[str, str]:
    """A service's environment, whether written as a mapping or as a list of KEY=VALUE."""
    environment = _service(name).get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def _prefix(name: str) -> str:
    return f"ORDERFLOW_{name.upper()}_"


def _dockerfile_instruction(keyword: str) -> list[str]:
    """The exec-form argument list of the last ENTRYPOINT or CMD (the one that takes effect)."""
    lines = [
        line.strip()
        for line in DOCKERFILE.read_text().splitlines()
        if re.match(rf"\s*{keyword}\s", line, flags=re.IGNORECASE)
    ]
    assert lines, f"deploy/Dockerfile has no {keyword}"
    argument = lines[-1].split(None, 1)[1]
    parsed = json.loads(argument)
    assert isinstance(parsed, list), f"{keyword} should use the exec (JSON list) form"
    return parsed


def _runnable_module_exists(module: str) -> bool:
    """True if `python -m <module>` would find something to run."""
    spec = importlib.util.find_spec(module)
    if spec is None:
        return False
    if spec.submodule_search_locations is not None:  # a package runs its __main__
        return importlib.util.find_spec(f"{module}.__main__") is not None
    return True


def test_compose_file_is_valid_yaml() -> None:
    assert isinstance(_compose(), dict)


def test_compose_runs_kafka_postgres_and_the_five_services() -> None:
    assert set(_compose()["services"]) == {*SERVICES, *INFRASTRUCTURE}


@pytest.mark.parametrize("name", SERVICES)
def test_service_is_built_from_the_shared_dockerfile_and_runs_its_own_module(name: str) -> None:
    service = _service(name)
    assert service["build"]["context"] == "."
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert service["command"] == [f"services.{name}"]
    assert _runnable_module_exists(f"services.{name}")


@pytest.mark.parametrize("name", SERVICES)
def test_service_waits_for_healthy_kafka_and_postgres_and_the_bus_set_up(name: str) -> None:
    depends_on = _service(name)["depends_on"]
    for dependency in ("kafka", "postgres"):
        assert depends_on[dependency]["condition"] == "service_healthy"
        assert "healthcheck" in _compose()["services"][dependency]
    assert depends_on["bus-setup"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", SERVICES)
def test_every_variable_set_on_a_service_is_one_of_its_settings(name: str) -> None:
    settings = settings_class(name)
    assert settings.model_config.get("env_prefix") == _prefix(name)
    known = env_names(settings)
    for variable in _environment(name):
        assert variable.startswith(_prefix(name)), f"{name}: {variable} lacks {_prefix(name)}"
        assert variable in known, (
            f"{name}: {variable} is not a field of {settings.__name__}; known: {sorted(known)}"
        )


def interpolated(value: str) -> str:
    """A compose value with `${NAME:-default}` as compose fills it in, NAME unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


@pytest.mark.parametrize("name", SERVICES)
def test_service_settings_accept_the_compose_environment(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = {key: interpolated(value) for key, value in _environment(name).items()}
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    settings = settings_class(name)()
    assert settings.demo_mode is False  # unless DEMO_MODE is set for the demo
    assert (
        settings.kafka_bootstrap_servers == environment[f"{_prefix(name)}KAFKA_BOOTSTRAP_SERVERS"]
    )
    assert settings.database_url == environment[f"{_prefix(name)}DATABASE_URL"]


@pytest.mark.parametrize("name", SERVICES)
def test_service_sets_kafka_bootstrap_servers_and_database_url(name: str) -> None:
    environment = _environment(name)
    assert environment.get(f"{_prefix(name)}KAFKA_BOOTSTRAP_SERVERS") == "kafka:9092"
    url = urlsplit(environment.get(f"{_prefix(name)}DATABASE_URL", ""))
    assert url.scheme == "postgresql"
    assert url.hostname == "postgres"


def test_each_service_has_a_database_of_its_own() -> None:
    databases = {
        name: urlsplit(_environment(name)[f"{_prefix(name)}DATABASE_URL"]).path.lstrip("/")
        for name in SERVICES
    }
    assert len(set(databases.values())) == len(SERVICES), databases
    assert databases == {name: f"orderflow_{name}" for name in SERVICES}


def test_postgres_init_script_gives_every_service_its_own_role_and_database() -> None:
    script = "\n".join(path.read_text() for path in sorted(POSTGRES_INIT_DIR.glob("*.sh")))
    created = set(re.findall(r"^service_database (\w+)$", script, flags=re.MULTILINE))
    assert created == set(SERVICES)
    assert 'CREATE DATABASE :"database" OWNER :"role";' in script
    assert 'REVOKE ALL ON DATABASE :"database" FROM PUBLIC;' in script


def test_compose_commits_no_password_and_each_service_gets_only_its_own_secret() -> None:
    compose = _compose()
    assert "orderflow:orderflow" not in COMPOSE_FILE.read_text()
    assert compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD_FILE"]
    for name in SERVICES:
        service = compose["services"][name]
        assert service["secrets"] == [f"db-{name}", f"kafka-{name}", "kafka-ca.pem"]
        environment = service["environment"]
        assert environment[f"{_prefix(name)}KAFKA_PASSWORD_FILE"] == f"/run/secrets/kafka-{name}"
        assert environment[f"{_prefix(name)}KAFKA_CA_FILE"] == "/run/secrets/kafka-ca.pem"
        assert f"{_prefix(name)}KAFKA_SECURITY_PROTOCOL" not in environment  # SASL_SSL, the default
        url = environment[f"{_prefix(name)}DATABASE_URL"]
        assert urlsplit(url).username == f"orderflow_{name}" and urlsplit(url).password is None
        assert environment[f"{_prefix(name)}DATABASE_PASSWORD_FILE"] == f"/run/secrets/db-{name}"


def test_dockerfile_runs_an_existing_service_module_by_default() -> None:
    assert DOCKERFILE.is_file()
    assert _dockerfile_instruction("ENTRYPOINT") == ["python", "-m"]
    command = _dockerfile_instruction("CMD")
    assert len(command) == 1
    assert _runnable_module_exists(command[0]), f"CMD runs {command[0]}, which does not exist"


def test_every_service_listens_on_its_own_default_http_port() -> None:
    """Five processes on one machine (`make run`) must not compete for a port."""
    ports = {name: settings_class(name)().http_port for name in SERVICES}
    assert len(set(ports.values())) == len(ports), ports


def test_a_database_password_is_read_from_its_file_when_the_url_has_none(tmp_path: Path) -> None:
    secret = tmp_path / "db-sales"
    secret.write_text("s3cret-from-a-file\n")
    settings = settings_class("sales")(
        database_url="postgresql://orderflow_sales@postgres:5432/orderflow_sales",
        database_password_file=secret,
    )
    with_password = settings_class("sales")(
        database_url="postgresql://orderflow_sales:given@postgres/orderflow_sales",
        database_password_file=secret,
    )

    assert urlsplit(settings.database_url_for("sales")).password == "s3cret-from-a-file"
    assert urlsplit(with_password.database_url_for("sales")).password == "given"
