# Offline stand-in for mcr.microsoft.com/dotnet/aspire-dashboard:13.6, from the dashboard that NuGet
# ships in Aspire.Dashboard.Sdk.linux-x64 (tools/). Same ports and variables as the real image:
# UI on 18888, OTLP/gRPC on 18889, OTLP/HTTP on 18890.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY dashboard/ /app/
ENV ASPNETCORE_URLS=http://+:18888 \
    DOTNET_DASHBOARD_OTLP_ENDPOINT_URL=http://+:18889 \
    DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://+:18890
EXPOSE 18888 18889 18890
USER ${APP_UID}
ENTRYPOINT ["/app/Aspire.Dashboard"]
