# Build: docker build -t serving-gateway .
# Run:   docker run -p 8080:8080 -p 8081:8081 serving-gateway
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Serving.Gateway -c Release -o /app --self-contained false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /srv
COPY --from=build /app /app
COPY models/ /srv/models/
# Inside a container the endpoints must listen on all interfaces, not loopback.
ENV Kestrel__Endpoints__Http__Url=http://0.0.0.0:8080 \
    Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:8081 \
    Serving__Registry__Path=/srv/models
EXPOSE 8080 8081
USER app
ENTRYPOINT ["dotnet", "/app/Serving.Gateway.dll"]
