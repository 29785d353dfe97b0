"""gunicorn's settings for `make serve` (read with `gunicorn -c config/gunicorn.py`).

Workers: WEB_CONCURRENCY, or two per CPU core and one more (gunicorn's own advice) for
pages that mostly wait on the database. Each worker restarts after a few thousand
requests, so a slow leak never grows for ever."""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
max_requests = 5000
max_requests_jitter = 500
timeout = 60  # long work runs as a background job, never inside a request
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
# Behind a proxy on the same machine; with TLS ended there, HTTPS=1 trusts its X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
