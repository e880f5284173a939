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
# A pasted paragraph is a long GET: 2,000 Arabic characters percent-encoded take about 12 KB of
# request line, past gunicorn's 4 KB default and its 8 KB maximum, so the line is not limited here
# (0); the shipped nginx caps it at 16 KB (large_client_header_buffers) and the search cuts the query.
limit_request_line = 0
