# Offline stand-in for mcr.microsoft.com/dotnet/sdk:10.0: the aspnet stand-in plus this machine's
# whole .NET SDK installation.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SDK_VERSION
ENV DOTNET_SDK_VERSION=${SDK_VERSION} \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    DOTNET_GENERATE_ASPNET_CERTIFICATE=false \
    DOTNET_NOLOGO=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=true \
    NUGET_XMLDOC_MODE=skip
COPY dotnet/ /usr/share/dotnet/
