# Build: docker build -t aegisguard .   Run: docker run -p 5080:5080 -v aegis-data:/data aegisguard
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish AegisGuard/AegisGuard.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV AEGIS_DATA_DIR=/data
VOLUME /data
EXPOSE 5080
ENTRYPOINT ["/app/AegisGuard", "serve", "--urls", "http://0.0.0.0:5080"]
