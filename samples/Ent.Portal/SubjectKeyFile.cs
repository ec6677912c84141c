using System.Security.Cryptography;

namespace Ent.Portal;

/// <summary>
/// The secret that Ent.Consent hashes signed-in users' ids with (<c>EntConsent:SubjectKey</c>). A real portal keeps
/// it in its secret store; the sample creates one on first start in its data folder, so that choices stay tied to
/// their users across restarts without a secret in appsettings.json.
/// </summary>
internal static class SubjectKeyFile
{
    public static string LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.Write(key);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another instance created it first: use theirs.
            return File.ReadAllText(path).Trim();
        }
    }
}
