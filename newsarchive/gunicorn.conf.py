"""gunicorn settings; every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("NEWSARCHIVE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("NEWSARCHIVE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("NEWSARCHIVE_THREADS", 1))
timeout = int(os.environ.get("NEWSARCHIVE_TIMEOUT", 30))
graceful_timeout = 10
# Load the app once in the master: workers fork with Django and the analysis tables already in memory.
preload_app = True
accesslog = os.environ.get("NEWSARCHIVE_ACCESS_LOG", "-")
errorlog = "-"
max_requests = 2000
max_requests_jitter = 200
