using MediaMesh.Cli;

return await CliApp.RunAsync(args, CliContext.FromConsole());
