# Offline stand-in for mcr.microsoft.com/dotnet/aspnet:10.0, built by deploy/offline-images.sh from a
# debootstrapped Debian bookworm and this machine's own .NET and ASP.NET Core runtimes. Same
# conventions as the real image: dotnet on PATH, ASPNETCORE_HTTP_PORTS=8080, a non-root user "app"
# whose uid is in APP_UID, no curl.
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libc6 libgcc-s1 libicu72 libssl3 libstdc++6 tzdata zlib1g \
 && rm -rf /var/lib/apt/lists/*
# The machine's own extra certificate authorities (none on most machines), so that TLS through this
# network works inside the stand-ins as it does on the machine.
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
ARG DOTNET_VERSION
ENV APP_UID=1654 \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_VERSION=${DOTNET_VERSION} \
    ASPNET_VERSION=${DOTNET_VERSION}
RUN groupadd --gid=${APP_UID} app && useradd --no-log-init --uid=${APP_UID} --gid=${APP_UID} --create-home app
COPY dotnet/ /usr/share/dotnet/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
