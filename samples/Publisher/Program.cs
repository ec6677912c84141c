// The publisher sample: `dotnet run --project samples/Publisher` (after `dotnet pack Ent.Consent.sln -o artifacts/packages`),
// then open http://localhost:5090.
Publisher.PublisherApplication.Build(args).Run();
