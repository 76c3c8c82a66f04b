# Build: docker build -t serving-gateway .
# Run:   docker run -p 8080:8080 -p 8081:8081 -v serving-data:/srv/data serving-gateway
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Serving.Gateway -c Release -o /app --self-contained false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
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
# Inside a container the endpoints must listen on all interfaces, not loopback.
ENV Kestrel__Endpoints__Http__Url=http://0.0.0.0:8080 \
    Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:8081 \
    Serving__Registry__Path=/srv/models \
    Serving__DataPath=/srv/data
EXPOSE 8080 8081
# The image's non-root user "app", by number, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/Serving.Gateway.dll"]
