# The image is the single file: published self-contained (web assets, default settings and native libraries inside),
# copied alone into a minimal base that has only what .NET itself needs from the OS.
#   docker build -t aegisguard .
#   docker run -p 5080:5080 -v aegis-data:/data aegisguard
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish AegisGuard/AegisGuard.csproj -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true -o /out

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
RUN useradd --system --home-dir /data --shell /usr/sbin/nologin aegis && mkdir -p /data && chown aegis /data
COPY --from=build /out/AegisGuard /usr/local/bin/AegisGuard
USER aegis
# Native libraries are extracted here on first start (a writable place the user owns).
ENV AEGIS_DATA_DIR=/data DOTNET_BUNDLE_EXTRACT_BASE_DIR=/data/.extract
VOLUME /data
EXPOSE 5080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/5080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/AegisGuard", "serve", "--urls", "http://0.0.0.0:5080"]
