using System.Collections;
using System.Reflection;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Hosting;
using IvrVoice.Telephony;
using Microsoft.Extensions.Configuration;

namespace IvrVoice.Production.Tests.Deploy;

/// <summary>
/// What the service reads from configuration, taken from its own options types by reflection: each section's options
/// class (the <c>SectionName</c> constants), the provider routes' sections, the host's own keys and the environment
/// variables the .NET host reads. A setting outside this model is one the service would silently ignore.
/// </summary>
internal static class ServiceConfigurationModel
{
    private static readonly Assembly ProvidersAssembly = typeof(ITtsRouter).Assembly;

    /// <summary>Environment variables the .NET and ASP.NET Core hosts read themselves, with what they do.</summary>
    public static readonly IReadOnlyDictionary<string, string> HostVariables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ASPNETCORE_URLS"] = "the addresses Kestrel listens on (same as the Urls setting)",
        ["ASPNETCORE_ENVIRONMENT"] = "the environment name, which picks appsettings.{Environment}.json",
        ["DOTNET_NOLOGO"] = "quiets the dotnet host's banner",
    };

    /// <summary>The options class of each top-level section the service binds.</summary>
    public static IReadOnlyDictionary<string, Type> Sections { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [ServiceOptions.SectionName] = typeof(ServiceOptions),
        [FlowOptions.SectionName] = typeof(FlowOptions),
        [TwilioOptions.SectionName] = typeof(TwilioOptions),
        [CacheOptions.SectionName] = typeof(CacheOptions),
        [PromptOptions.SectionName] = typeof(PromptOptions),
        [IvrVoice.Server.Telemetry.TelemetryOptions.SectionName] = typeof(IvrVoice.Server.Telemetry.TelemetryOptions),
        ["Providers"] = ProvidersType("ProvidersOptions"),
    };

    /// <summary>Each route's section under <c>Providers</c>, e.g. <c>Gemini</c> and <c>AIgateway</c>, from the router's own list.</summary>
    public static IReadOnlyList<string> RouteSections { get; } = ReadRouteSections();

    private static Type RouteOptionsType { get; } = ProvidersType("RouteOptions");

    /// <summary>Null when the service reads <paramref name="setting"/>; otherwise why it would be ignored or refused.</summary>
    public static string? Check(DeploySetting setting)
    {
        string name = setting.Name;
        if (!name.Contains("__", StringComparison.Ordinal) && name.ToUpperInvariant() == name && !name.Contains(':', StringComparison.Ordinal))
        {
            return HostVariables.ContainsKey(name) ? null : $"{setting}: no part of the service or the .NET host reads the variable {name}";
        }

        string[] path = setting.Key.Split(':');
        string? problem = path[0].ToLowerInvariant() switch
        {
            "urls" or "allowedhosts" => path.Length == 1 ? null : "the host's key takes no sub-keys",
            "serilog" => CheckSerilog(path, setting.Value),
            "providers" when path.Length > 2 && RouteSections.Contains(path[1], StringComparer.OrdinalIgnoreCase) => Walk(RouteOptionsType, path, 2, allowScalarList: false),
            "providers" when path.Length == 2 && path[1].Equals("Order", StringComparison.OrdinalIgnoreCase) => null,   // a list or a comma list
            _ when Sections.TryGetValue(path[0], out Type? type) => Walk(type, path, 1, allowScalarList: false),
            _ => $"there is no section '{path[0]}'",
        };
        if (problem is null && setting.Value is not null)
        {
            problem = CheckValue(setting, path);
        }

        return problem is null ? null : $"{setting}: {problem}";
    }

    /// <summary>Binds the literal value into the options type, as the service does, so a value the binder refuses is caught here.</summary>
    private static string? CheckValue(DeploySetting setting, string[] path)
    {
        Type? target = path[0].ToLowerInvariant() switch
        {
            "providers" when path.Length > 2 && RouteSections.Contains(path[1], StringComparer.OrdinalIgnoreCase) => RouteOptionsType,
            "providers" when path.Length == 2 && path[1].Equals("Order", StringComparison.OrdinalIgnoreCase) => null,
            _ when Sections.TryGetValue(path[0], out Type? type) => type,
            _ => null,
        };
        if (target is null)
        {
            return null;
        }

        int depth = target == RouteOptionsType ? 2 : 1;
        string relative = string.Join(':', path[depth..]);
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection([new(relative, setting.Value)]).Build();
        try
        {
            _ = configuration.Get(target, o => o.ErrorOnUnknownConfiguration = true);
            return null;
        }
        catch (InvalidOperationException exception)
        {
            return $"the value '{setting.Value}' does not bind: {exception.Message}";
        }
    }

    private static string? Walk(Type type, string[] path, int index, bool allowScalarList)
    {
        if (index == path.Length)
        {
            return IsScalar(type) || (allowScalarList && IsList(type, out _)) ? null : $"'{string.Join(':', path)}' is a section ({type.Name}), not a value";
        }

        string segment = path[index];
        if (Dictionary(type) is { } valueType)
        {
            return Walk(valueType, path, index + 1, false);
        }

        if (IsList(type, out Type? itemType))
        {
            return int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? Walk(itemType!, path, index + 1, false)
                : $"'{segment}' should be a list index in {string.Join(':', path[..index])}";
        }

        PropertyInfo? property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase) && p.GetIndexParameters().Length == 0);
        if (property is null)
        {
            string known = string.Join(", ", type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name));
            return $"{type.Name} has no setting '{segment}' (it has {known})";
        }

        if (property.SetMethod is not { IsPublic: true } && IsScalar(property.PropertyType))
        {
            return $"{type.Name}.{property.Name} cannot be set from configuration";
        }

        return Walk(property.PropertyType, path, index + 1, allowScalarList);
    }

    private static string? CheckSerilog(string[] path, string? value)
    {
        bool minimumLevel = path.Length >= 2 && path[1].Equals("MinimumLevel", StringComparison.OrdinalIgnoreCase);
        bool known = minimumLevel && (path.Length == 2
            || (path.Length == 3 && path[2].Equals("Default", StringComparison.OrdinalIgnoreCase))
            || (path.Length == 4 && path[2].Equals("Override", StringComparison.OrdinalIgnoreCase)));
        if (!known)
        {
            return "only Serilog:MinimumLevel[:Default|:Override:<source>] is used by the deploy files";
        }

        return value is null || Enum.TryParse<Serilog.Events.LogEventLevel>(value, ignoreCase: true, out _) ? null : $"'{value}' is not a Serilog level";
    }

    private static bool IsScalar(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri) || t == typeof(DateTimeOffset);
    }

    private static bool IsList(Type type, out Type? itemType)
    {
        itemType = type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string)
                ? type.GetGenericArguments()[0]
                : null;
        return itemType is not null;
    }

    private static Type? Dictionary(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var keyType, var valueType] && keyType == typeof(string)
            && typeof(IEnumerable).IsAssignableFrom(type)
            ? valueType
            : null;

    private static Type ProvidersType(string name) =>
        ProvidersAssembly.GetType($"IvrVoice.Providers.Configuration.{name}")
            ?? throw new InvalidOperationException($"IvrVoice.Providers no longer has Configuration.{name}; update the deploy settings check.");

    private static List<string> ReadRouteSections()
    {
        Type routeNames = ProvidersType("RouteNames");
        IEnumerable<string> routes = (IEnumerable<string>)routeNames.GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        MethodInfo sectionOf = routeNames.GetMethod("SectionOf", BindingFlags.Public | BindingFlags.Static)!;
        return [.. routes.Select(route => ((string)sectionOf.Invoke(null, [route])!).Split(':')[1])];
    }
}
