"""The Helm chart (`helm/kinerja/`): linted and rendered with several value sets by the Helm SDK
(helm-python-sdk: no helm binary), every manifest validated against the Kubernetes schemas
(kubernetes-validate), values checked by `values.schema.json`, and the promises kept: the
migration job runs before new pods, secrets only from an existing Secret, non-root pods with a
read-only root filesystem, probes on /healthz and /readyz."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

CHART = Path(__file__).resolve().parents[1] / "helm" / "kinerja"
KUBERNETES = "1.30"
SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "ingress, TLS, monitoring, two worker groups": {
        "ingress": {
            "enabled": True,
            "className": "nginx",
            "host": "kinerja.pemkomedan.go.id",
            "tls": {"enabled": True, "secretName": "kinerja-tls"},
        },
        "serviceMonitor": {"enabled": True, "interval": "15s"},
        "web": {"autoscaling": {"enabled": False}, "replicas": 3},
        "workers": [
            {
                "name": "default",
                "queues": ["kinerja"],
                "replicas": 2,
                "resources": {
                    "requests": {"cpu": "100m", "memory": "192Mi"},
                    "limits": {"cpu": "1", "memory": "384Mi"},
                },
                "autoscaling": {
                    "enabled": True,
                    "minReplicas": 2,
                    "maxReplicas": 6,
                    "targetCPUUtilizationPercentage": 70,
                },
            },
            {
                "name": "exports",
                "queues": ["exports"],
                "replicas": 1,
                "resources": {
                    "requests": {"cpu": "100m", "memory": "256Mi"},
                    "limits": {"cpu": "1", "memory": "512Mi"},
                },
                "autoscaling": {"enabled": False},
            },
        ],
    },
    "no migrations hook, local storage, SMTP": {
        "migrations": {"enabled": False},
        "config": {"STORAGE": "local", "SMTP_HOST": "smtp.pemkomedan.go.id", "SMTP_PORT": "587"},
    },
}


def merged(overrides: dict[str, Any]) -> dict[str, Any]:
    values = copy.deepcopy(yaml.safe_load((CHART / "values.yaml").read_text()))
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
    return values


def render(overrides: dict[str, Any]) -> list[dict[str, Any]]:
    chart = helm.Chart.load(str(CHART))
    out = chart.render(merged(overrides), name="kinerja", namespace="kinerja", is_install=True)
    return [doc for text in out.values() for doc in yaml.safe_load_all(text) if doc]


@pytest.mark.parametrize("name", list(SETS))
def test_the_chart_lints_renders_and_validates(name: str) -> None:
    report = helm.lint(str(CHART), merged(SETS[name]), strict=True)
    assert report["errors"] == [] and not [m for m in report["messages"] if m["severity"] >= 2]
    docs = render(SETS[name])
    kinds = [d["kind"] for d in docs]
    assert "Secret" not in kinds  # secrets come only from the operator's existing Secret
    for doc in docs:
        if doc["kind"] == "ServiceMonitor":  # a CRD: not in the core schemas
            assert doc["spec"]["endpoints"][0]["path"] == "/metrics"
            continue
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)
    for doc in docs:
        spec = (
            doc["spec"].get("template", {}).get("spec")
            if doc["kind"] in ("Deployment", "Job")
            else None
        )
        if spec is None:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True
        for container in spec["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["resources"]["limits"]["memory"]
            refs = [
                e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e
            ]
            assert refs and set(refs) == {"kinerja"}


def test_migrations_run_before_new_pods_and_web_pods_are_probed() -> None:
    docs = render({})
    [job] = [d for d in docs if d["kind"] == "Job"]
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert (
        "kinerja db upgrade && kinerja tenants sync"
        in job["spec"]["template"]["spec"]["containers"][0]["args"][0]
    )
    [web] = [
        d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"].endswith("-web")
    ]
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["args"] == ["serve"]
    assert {d["kind"] for d in docs} >= {
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Service",
    }


@pytest.mark.parametrize(
    ("wrong", "where"),
    [
        ({"web": {"replicas": "two"}}, "/web/replicas"),
        ({"image": {"repository": "r", "tag": ""}}, "/image/tag"),
        (
            {
                "workers": [
                    {
                        "name": "Not_A_Name",
                        "queues": ["q"],
                        "replicas": 1,
                        "resources": {"requests": {}, "limits": {}},
                        "autoscaling": {"enabled": False},
                    }
                ]
            },
            "/workers/0/name",
        ),
        ({"serviceMonitor": {"enabled": True, "interval": "often"}}, "/serviceMonitor/interval"),
        ({"config": {"lower_case": "x"}}, "lower_case"),
    ],
)
def test_the_values_schema_refuses_wrong_values(wrong: dict[str, Any], where: str) -> None:
    from helm_python.errors import HelmValuesError

    chart = helm.Chart.load(str(CHART))
    with pytest.raises(HelmValuesError) as refused:
        chart.validate_schema(merged(wrong))
    assert where in str(refused.value)
    chart.validate_schema(merged({}))  # the defaults pass


def test_the_containerfile_passes_hadolint() -> None:
    import shutil
    import subprocess
    import sys

    binary = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    containerfile = CHART.parent / "Containerfile"
    result = subprocess.run(
        [binary, "--failure-threshold", "warning", str(containerfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = containerfile.read_text()
    assert "USER 10001" in text and 'ENTRYPOINT ["kinerja"]' in text
