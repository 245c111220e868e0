# atlas-ld: serves the bundled example data, or a store mounted at /data.
#   docker build -t atlas-ld .
#   docker run -p 8000:8000 atlas-ld                          # example data
#   docker run -p 8000:8000 -v "$PWD/atlas-data:/data" atlas-ld   # your own store
FROM python:3.11-slim
WORKDIR /app
COPY . /app
RUN python -m pip install --no-cache-dir . \
 && atlas-ld ingest --store /data --examples
ENV ATLAS_LD_STORE=/data
EXPOSE 8000
VOLUME ["/data"]
CMD ["atlas-ld", "serve", "--host", "0.0.0.0", "--port", "8000"]
