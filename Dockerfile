# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY jetorders ./jetorders
COPY orders ./orders
COPY notifications ./notifications
RUN pip install .

COPY . .
# Static files are collected at build time and served by whitenoise.
RUN DEBUG=False SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --create-home jet
USER jet
EXPOSE 8000
CMD ["gunicorn", "jetorders.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
