# innonet: the CLI and the GraphQL service.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
COPY loaders ./loaders
COPY queries ./queries
COPY viz ./viz
RUN pip install --no-cache-dir . && useradd --create-home innonet
USER innonet
EXPOSE 8000
CMD ["innonet", "serve", "--host", "0.0.0.0", "--port", "8000"]
