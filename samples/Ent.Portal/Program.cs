// Minimal start; the samples issue grows this into the full sample portal.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => Results.Content("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>ENT</title></head><body><h1>Portail ENT (exemple)</h1></body></html>", "text/html"));
app.Run();
