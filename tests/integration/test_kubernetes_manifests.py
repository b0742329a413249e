"""The Kubernetes manifests in deploy/kubernetes/ are valid for Kubernetes 1.37 (kubeconform,
strict: no unknown field) and agree with the code they deploy.

kubeconform is built from the Go module proxy by deploy/kubeconform.sh (once); the schemas are
the ones the kubernetes-validate package ships (v1.37.0-local-strict), made loadable from files:
their `$id` and absolute references point at kubernetes.io, which kubeconform would try to
fetch, so each copy drops its `$id` and refers to its sibling `_definitions.json`.
"""

import json
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from shared.contracts.acls import consumer_group
from tests.support.settings_classes import env_names, settings_class
from tests.support.system import SERVICES

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES = "v1.37.0"


@pytest.fixture(scope="module")
def kubeconform() -> str:
    built = subprocess.run(
        ["bash", str(ROOT / "deploy" / "kubeconform.sh")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    return built.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shipped = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    source = shipped / f"{KUBERNETES}-local-strict"
    target = tmp_path_factory.mktemp("kubernetes-schemas")
    for schema in source.glob("*.json"):
        text = schema.read_text().replace('"/api/_definitions.json#', '"_definitions.json#')
        document = json.loads(text)
        document.pop("$id", None)
        (target / schema.name).write_text(json.dumps(document))
    return target


def validate(kubeconform: str, schemas: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            kubeconform,
            "-strict",
            "-summary",
            "-output",
            "text",
            "-schema-location",
            f"{schemas}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manifest_files() -> list[Path]:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    return [MANIFESTS / name for name in kustomization["resources"]]


def resources() -> list[dict[str, Any]]:
    return [
        document
        for path in manifest_files()
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def test_kubeconform_finds_every_manifest_valid(kubeconform: str, schemas: Path) -> None:
    result = validate(kubeconform, schemas, *manifest_files())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Invalid: 0, Errors: 0, Skipped: 0" in result.stdout, result.stdout
    assert f"{len(resources())} resources found" in result.stdout


def test_kubeconform_refuses_a_manifest_with_an_unknown_field(
    kubeconform: str, schemas: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (MANIFESTS / "services.yaml").read_text().replace("replicas: 2", "replica: 2")
    )

    result = validate(kubeconform, schemas, broken)

    assert result.returncode != 0
    assert "additional properties 'replica' not allowed" in result.stdout


def test_each_service_runs_replicated_with_probes_on_its_port_and_only_its_own_secret() -> None:
    deployments = {
        document["metadata"]["name"]: document
        for document in resources()
        if document["kind"] == "Deployment"
    }
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        spec = deployment["spec"]["template"]["spec"]
        [container] = spec["containers"]
        settings = settings_class(name)
        port = settings().http_port
        assert deployment["spec"]["replicas"] >= 2, name
        assert container["args"] == [f"services.{name}"]
        assert container["ports"] == [{"name": "http", "containerPort": port}]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        known = env_names(settings)
        assert {variable["name"] for variable in container["env"]} <= known, name
        secrets = {
            volume["secret"]["secretName"] for volume in spec["volumes"] if "secret" in volume
        }
        assert secrets == {
            f"orderflow-db-{name}",
            f"orderflow-kafka-{name}",
            "orderflow-kafka-ca",
            "orderflow-seed",
        }, name
        environment = {variable["name"]: variable.get("value") for variable in container["env"]}
        assert f"ORDERFLOW_{name.upper()}_KAFKA_SECURITY_PROTOCOL" not in environment  # SASL_SSL
    assert consumer_group("sales") == "orderflow.sales"  # the group the replicas share


def test_the_postgres_init_script_in_the_config_map_is_the_one_compose_runs() -> None:
    [config] = [document for document in resources() if document["kind"] == "ConfigMap"]
    script = (ROOT / "deploy" / "postgres-init" / "01-roles-and-databases.sh").read_text()

    assert config["data"] == {"01-roles-and-databases.sh": script}
