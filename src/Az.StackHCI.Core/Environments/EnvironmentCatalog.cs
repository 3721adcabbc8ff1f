using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Environments
{
    /// <summary>Where a custom environment is kept: this process only, or the user's profile.</summary>
    public enum EnvironmentScope
    {
        Process,
        CurrentUser,
    }

    /// <summary>
    /// The built-in clouds plus the custom ones the user added, in this process or saved in the user's profile
    /// (<c>environments.json</c> in <see cref="DefaultConfigDirectory"/>).
    /// </summary>
    public sealed class EnvironmentCatalog
    {
        /// <summary>Overrides the folder the user's settings are kept in (as AZURE_CONFIG_DIR does for the az CLI).</summary>
        public const string ConfigDirectoryVariable = "AZSTACKHCI_CONFIG_DIR";

        private static readonly ConcurrentDictionary<string, HciEnvironment> ProcessEnvironments =
            new ConcurrentDictionary<string, HciEnvironment>(StringComparer.OrdinalIgnoreCase);

        private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
        };

        private readonly string _file;

        public EnvironmentCatalog(string? configDirectory = null)
        {
            _file = Path.Combine(configDirectory ?? DefaultConfigDirectory, "environments.json");
        }

        public static string DefaultConfigDirectory =>
            Environment.GetEnvironmentVariable(ConfigDirectoryVariable) is { Length: > 0 } dir
                ? dir
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "Az.StackHCI");

        /// <summary>Built-in first, then custom ones by name; one added in this process hides a saved one of that name.</summary>
        public IReadOnlyList<HciEnvironment> GetAll()
        {
            var custom = ReadSaved().ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
            foreach (var environment in ProcessEnvironments.Values)
            {
                custom[environment.Name] = environment;
            }

            return BuiltInEnvironments.All.Concat(custom.Values.OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        }

        public HciEnvironment? Find(string name) =>
            GetAll().FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

        /// <summary>Adds or replaces a custom environment. Built-in names cannot be taken.</summary>
        public void Save(HciEnvironment environment, EnvironmentScope scope)
        {
            EnsureNotBuiltIn(environment.Name);
            if (scope == EnvironmentScope.Process)
            {
                ProcessEnvironments[environment.Name] = environment;
                return;
            }

            var saved = ReadSaved().Where(e => !string.Equals(e.Name, environment.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            saved.Add(environment);
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            var temporary = _file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(saved.Select(SavedEnvironment.From).ToList(), JsonOptions));
            if (File.Exists(_file))
            {
                File.Replace(temporary, _file, null);
            }
            else
            {
                File.Move(temporary, _file);
            }

            ProcessEnvironments.TryRemove(environment.Name, out _);
        }

        public static void EnsureNotBuiltIn(string name)
        {
            if (BuiltInEnvironments.All.Any(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new HciException("EnvironmentNameReserved", HciErrorCategory.InvalidArgument, name,
                    $"'{name}' is a built-in environment and cannot be replaced. Choose another -Name for the custom environment.");
            }
        }

        private IEnumerable<HciEnvironment> ReadSaved()
        {
            if (!File.Exists(_file))
            {
                return Enumerable.Empty<HciEnvironment>();
            }

            try
            {
                return (JsonSerializer.Deserialize<List<SavedEnvironment>>(File.ReadAllText(_file), JsonOptions) ?? new List<SavedEnvironment>())
                    .Select(s => s.ToEnvironment())
                    .ToList();
            }
            catch (Exception ex) when (ex is JsonException || ex is ArgumentException || ex is UriFormatException || ex is NullReferenceException)
            {
                throw new HciException("EnvironmentFileInvalid", HciErrorCategory.InvalidData, _file,
                    $"The saved environments in '{_file}' cannot be read: {ex.Message} Fix or delete the file, then add the environments again.", ex);
            }
        }

        // The file's shape; kept apart from HciEnvironment so the public type can stay immutable.
        private sealed class SavedEnvironment
        {
            public string Name { get; set; } = "";
            public string ResourceManagerEndpoint { get; set; } = "";
            public string ResourceManagerAudience { get; set; } = "";
            public string ActiveDirectoryAuthority { get; set; } = "";
            public string GraphEndpoint { get; set; } = "";
            public string HciServiceEndpoint { get; set; } = "";
            public string BillingServiceApiScope { get; set; } = "";
            public string PortalUrl { get; set; } = "";
            public string DefaultRegion { get; set; } = "";
            public string? MetadataEndpoint { get; set; }

            public static SavedEnvironment From(HciEnvironment e) => new SavedEnvironment
            {
                Name = e.Name,
                ResourceManagerEndpoint = e.ResourceManagerEndpoint.AbsoluteUri,
                ResourceManagerAudience = e.ResourceManagerAudience,
                ActiveDirectoryAuthority = e.ActiveDirectoryAuthority.AbsoluteUri,
                GraphEndpoint = e.GraphEndpoint.AbsoluteUri,
                HciServiceEndpoint = e.HciServiceEndpoint.AbsoluteUri,
                BillingServiceApiScope = e.BillingServiceApiScope,
                PortalUrl = e.PortalUrl.AbsoluteUri,
                DefaultRegion = e.DefaultRegion,
                MetadataEndpoint = e.MetadataEndpoint?.AbsoluteUri,
            };

            public HciEnvironment ToEnvironment() => new HciEnvironment(
                Name, new Uri(ResourceManagerEndpoint), ResourceManagerAudience, new Uri(ActiveDirectoryAuthority),
                new Uri(GraphEndpoint), new Uri(HciServiceEndpoint), BillingServiceApiScope, new Uri(PortalUrl),
                DefaultRegion, isBuiltIn: false, MetadataEndpoint is null ? null : new Uri(MetadataEndpoint));
        }
    }
}
