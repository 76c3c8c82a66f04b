# The serving CLI as an image, for batch jobs such as deploy/kubernetes/batch-scoring-cronjob.yaml.
# Build from the repository root: docker build -f deploy/cli.Dockerfile -t serving-cli .
# Run:   docker run --rm -v "$PWD/models:/srv/models:ro" -v "$PWD/batch:/srv/batch" serving-cli \
#          score --model breast-cancer --registry /srv/models --input /srv/batch/in.csv --output /srv/batch/out.csv
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
# ReadyToRun: a command lives seconds, and without it serving score spends much of a short run in unoptimised
# (tier-0) code of ML.NET and of its own pipeline, and every command pays the JIT at start (docs/batch-scoring.md).
RUN dotnet publish src/Serving.Cli -c Release -r linux-x64 -o /app --self-contained false -p:PublishReadyToRun=true

# The CLI needs no ASP.NET: the plain .NET runtime image is enough.
FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /srv
COPY --from=build /app /app
# The image's non-root user "app", by number, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/serving.dll"]
