# innonet: the CLI and the GraphQL service.
# The build stage compiles innonet's C extensions (queries/_route.c, queries/_columns.c) into a
# wheel; the image installs that wheel and its dependencies' wheels, so it holds no compiler.
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
COPY loaders ./loaders
COPY queries ./queries
COPY viz ./viz
COPY report ./report
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels && useradd --create-home innonet
USER innonet
EXPOSE 8000
CMD ["innonet", "serve", "--host", "0.0.0.0", "--port", "8000"]
