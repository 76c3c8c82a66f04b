# The gateway as a container image. No container engine runs where this repository is tested, so the checks in
# tests/Serving.Gateway.Tests/Deploy/ read this file instead: ports, paths and settings must agree with the
# gateway's options and with deploy/compose and deploy/kubernetes (docs/deploy.md).
# Build: docker build -t serving-gateway .
# Run:   docker run -p 8080:8080 -p 8081:8081 -v serving-data:/srv/data serving-gateway

# --- build: the SDK image restores and publishes; nothing of it reaches the runtime image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# linux-x64 only: without one runtime identifier ONNX Runtime brings native libraries for every platform
# (about 260 MB). Directory.Build.props sets it too; saying it here keeps the image right if that changes.
# ReadyToRun: our assemblies and our packages' ship precompiled, so a new replica does not JIT its way to ready
# (docs/deploy.md has the figures). About 17 MB more.
RUN dotnet publish src/Serving.Gateway -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app

# --- runtime: ASP.NET Core only, no SDK. Not the chiseled variant: the HEALTHCHECK below needs a shell, and
# the image has no curl or wget to spare one.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /srv
COPY --from=build /app /app
# The registry is part of the image, owned by root: the gateway only reads it. Mount another over
# /srv/models (read-only is fine) to serve other models.
COPY models/ /srv/models/
# Everything the gateway writes (deployment state, prediction logs, MLflow downloads) goes to the data
# directory, owned by the user the gateway runs as. Made before VOLUME: a new volume starts as a copy of
# it, ownership included; what a Dockerfile does to the folder after VOLUME is discarded.
RUN mkdir -p /srv/data && chown "$APP_UID:$APP_UID" /srv/data
VOLUME /srv/data
# Inside a container the endpoints must listen on all interfaces, not loopback. REST is HTTP/1.1 on 8080,
# gRPC HTTP/2 cleartext (h2c) on 8081, as in appsettings.json.
ENV Kestrel__Endpoints__Http__Url=http://0.0.0.0:8080 \
    Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:8081 \
    Serving__Registry__Path=/srv/models \
    Serving__DataPath=/srv/data
EXPOSE 8080 8081
# Readiness, as OIP defines it: 200 once the registry has been read and the loadable models serve. bash's
# /dev/tcp speaks the one request, so the image needs no HTTP client. Kubernetes ignores this and uses the
# probes in deploy/kubernetes/gateway.yaml; compose and plain docker use it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /v2/health/ready HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# The image's non-root user "app", by number, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/Serving.Gateway.dll"]
