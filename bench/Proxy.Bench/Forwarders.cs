using System.Globalization;
using MediaMesh.Bench.Support;

namespace MediaMesh.Proxy.Bench;

/// <summary>Plain forwarders in front of the same services: each path prefix to its service over HTTP/2 (h2c), nothing else.</summary>
public static class Forwarders
{
    public const string HaproxyPath = "/usr/sbin/haproxy";
    public const string NginxPath = "/usr/sbin/nginx";

    /// <summary>haproxy 2.6, one thread, HTTP/2 in and out (`proto h2`), no logging.</summary>
    public static async Task<PinnedProcess> StartHaproxyAsync(string folder, string cores, int port, Backends backends)
    {
        var config = Path.Combine(folder, "haproxy.cfg");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            global
                nbthread 1
                maxconn 4000

            defaults
                mode http
                timeout connect 5s
                timeout client 60s
                timeout server 60s

            frontend grpc
                bind 127.0.0.1:{port} proto h2
                use_backend initiative if {"{"} path_beg /mediamesh.initiative.v1. {"}"}
                use_backend exchange if {"{"} path_beg /mediamesh.exchange.v1. {"}"}
                default_backend organization

            backend organization
                server organization-1 127.0.0.1:{backends.Organization} proto h2

            backend initiative
                server initiative-1 127.0.0.1:{backends.Initiative} proto h2

            backend exchange
                server exchange-1 127.0.0.1:{backends.Exchange} proto h2

            """));
        var process = PinnedProcess.Start(cores, HaproxyPath, ["-db", "-f", config], workingDirectory: folder);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(20));
        return process;
    }

    /// <summary>nginx 1.22 `grpc_pass`, one worker, upstream keep-alive, no access log, its own prefix and temp folders.</summary>
    public static async Task<PinnedProcess> StartNginxAsync(string folder, string cores, int port, Backends backends)
    {
        var prefix = Path.Combine(folder, "nginx");
        Directory.CreateDirectory(Path.Combine(prefix, "temp"));
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            master_process on;
            worker_processes 1;
            user root;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log warn;

            events {
                worker_connections 4096;
            }

            http {
                access_log off;
                client_body_temp_path {{prefix}}/temp/body;
                proxy_temp_path {{prefix}}/temp/proxy;
                fastcgi_temp_path {{prefix}}/temp/fastcgi;
                uwsgi_temp_path {{prefix}}/temp/uwsgi;
                scgi_temp_path {{prefix}}/temp/scgi;
                keepalive_requests 10000000;

                upstream organization {
                    server 127.0.0.1:{{backends.Organization}};
                    keepalive 64;
                    keepalive_requests 10000000;
                }

                upstream initiative {
                    server 127.0.0.1:{{backends.Initiative}};
                    keepalive 64;
                    keepalive_requests 10000000;
                }

                upstream exchange {
                    server 127.0.0.1:{{backends.Exchange}};
                    keepalive 64;
                    keepalive_requests 10000000;
                }

                server {
                    listen 127.0.0.1:{{port}} http2;
                    location /mediamesh.initiative.v1. {
                        grpc_pass grpc://initiative;
                    }

                    location /mediamesh.exchange.v1. {
                        grpc_pass grpc://exchange;
                    }

                    location / {
                        grpc_pass grpc://organization;
                    }
                }
            }

            """));
        var process = PinnedProcess.Start(cores, NginxPath, ["-p", prefix, "-c", config, "-e", Path.Combine(prefix, "logs", "error.log")], workingDirectory: prefix);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(20));
        return process;
    }

    /// <summary>The plain YARP app (bench/PlainYarp): every path to its service, no middleware.</summary>
    public static async Task<PinnedProcess> StartPlainYarpAsync(string cores, int port, Backends backends)
    {
        var process = PinnedProcess.Start(cores, "dotnet",
        [
            PlainYarpAssembly(), "--port", port.ToString(CultureInfo.InvariantCulture),
            "--organization", $"http://127.0.0.1:{backends.Organization}",
            "--initiative", $"http://127.0.0.1:{backends.Initiative}",
            "--exchange", $"http://127.0.0.1:{backends.Exchange}",
        ], ProductionEnvironment);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        return process;
    }

    /// <summary>A trivial gRPC server (the plain YARP app answering every call itself): what the load generator can do.</summary>
    public static async Task<PinnedProcess> StartTrivialAsync(string cores, int port)
    {
        var process = PinnedProcess.Start(cores, "dotnet", [PlainYarpAssembly(), "--port", port.ToString(CultureInfo.InvariantCulture), "--trivial", "true"], ProductionEnvironment);
        await process.WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        return process;
    }

    private static readonly Dictionary<string, string> ProductionEnvironment = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["ASPNETCORE_URLS"] = string.Empty,
        ["ASPNETCORE_HTTP_PORTS"] = string.Empty,
    };

    private static string PlainYarpAssembly()
    {
        var path = Path.Combine(BenchStack.RepositoryRoot(), "bench", "PlainYarp", "bin", "Release", "net10.0", "MediaMesh.PlainYarp.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run `dotnet build -c Release bench/PlainYarp` first", path);
    }
}

/// <summary>The services' ports.</summary>
public sealed record Backends(int Organization, int Initiative, int Exchange);
