// The sample ENT portal: `dotnet run --project samples/Ent.Portal`, then open http://localhost:5080.
Ent.Portal.PortalApplication.Build(args).Run();
