"""gunicorn settings read from the working directory (``gunicorn wsgi:app``).

With ``PROMETHEUS_MULTIPROC_DIR`` set, every worker writes its metrics to files there and
``GET /metrics`` adds them up; when a worker exits, prometheus_client is told so that its
live gauges are dropped (counters and histograms are kept, as they should be). The folder must
be emptied before gunicorn starts (the README's systemd unit does it in ExecStartPre).
"""

import os


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
