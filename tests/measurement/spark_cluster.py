"""A real Spark standalone cluster on this machine, from the PySpark distribution's own classes:
a master, two workers with a small memory setting, and a Spark Connect server on it.

Everything is started in its own process group and stopped (the whole group) on exit, so no
JVM outlives the tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WORKERS = 2
WORKER_CORES = 1
WORKER_MEMORY = "1g"
STARTUP_SECONDS = 120


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Cluster:
    master: str  # spark://127.0.0.1:PORT
    ui: str  # the master's web UI, whose /json/ lists the workers


def _env(logs: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOG_DIR": str(logs),
        "SPARK_NO_DAEMONIZE": "1",
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
    }


def _spawn(args: list[str], logs: Path, name: str) -> subprocess.Popen[bytes]:
    log = (logs / f"{name}.log").open("wb")
    return subprocess.Popen(
        args, env=_env(logs), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait(check: object, what: str, processes: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a process ended early; see the logs in {logs}")
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not happen in {STARTUP_SECONDS} s; see the logs in {logs}")


def _alive_workers(ui: str) -> int:
    with urllib.request.urlopen(f"{ui}/json/", timeout=2) as response:
        state = json.load(response)
    return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def standalone_cluster(logs: Path) -> Iterator[Cluster]:
    """A master and WORKERS workers; stopped, every process of them, on exit."""
    spark_class = str(spark_home() / "bin" / "spark-class")
    port, ui_port = free_port(), free_port()
    master = f"spark://127.0.0.1:{port}"
    ui = f"http://127.0.0.1:{ui_port}"
    processes = [_spawn([spark_class, "org.apache.spark.deploy.master.Master",
                         "--host", "127.0.0.1", "--port", str(port),
                         "--webui-port", str(ui_port)], logs, "master")]  # fmt: skip
    try:
        _wait(lambda: _listening(port), "the master listening", processes, logs)
        for n in range(WORKERS):
            work = logs / f"worker-{n}"
            work.mkdir(exist_ok=True)
            processes.append(_spawn([spark_class, "org.apache.spark.deploy.worker.Worker",
                                     "--host", "127.0.0.1", "--cores", str(WORKER_CORES),
                                     "--memory", WORKER_MEMORY, "--webui-port", "0",
                                     "--work-dir", str(work), master], logs, f"worker-{n}"))  # fmt: skip
        _wait(lambda: _alive_workers(ui) == WORKERS, "both workers registering", processes, logs)
        yield Cluster(master, ui)
    finally:
        for process in reversed(processes):
            _stop(process)


@contextmanager
def connect_server(cluster: Cluster, logs: Path) -> Iterator[str]:
    """A Spark Connect server running its sessions on the cluster; yields its sc:// URL."""
    port = free_port()
    submit = str(spark_home() / "bin" / "spark-submit")
    process = _spawn([submit, "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
                      "--master", cluster.master, "--name", "synergies-connect-test",
                      "--conf", f"spark.connect.grpc.binding.port={port}",
                      "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
                      "--conf", "spark.ui.enabled=false",
                      "--conf", "spark.sql.shuffle.partitions=4",
                      "--conf", "spark.sql.session.timeZone=UTC",
                      "--conf", f"spark.executor.memory={WORKER_MEMORY}",
                      "--conf", "spark.cores.max=1",
                      "spark-internal"], logs, "connect")  # fmt: skip
    try:
        _wait(lambda: _listening(port), "the Spark Connect server listening", [process], logs)
        yield f"sc://127.0.0.1:{port}"
    finally:
        _stop(process)


def cluster_processes() -> list[str]:
    """Command lines of running Spark master, worker and Connect JVMs (to check they stop)."""
    found = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True)
    classes = ("deploy.master.Master", "deploy.worker.Worker", "SparkConnectServer")
    return [line for line in found.stdout.splitlines() if any(c in line for c in classes)]
