using System.Collections;
using System.Collections.ObjectModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using static Ent.Consent.Tests.SampleDeclarations;

namespace Ent.Consent.Tests.Policy;

public class PolicyImmutabilityTests
{
    private static readonly Type[] MutableCollectionDefinitions =
    [
        typeof(List<>), typeof(Dictionary<,>), typeof(HashSet<>), typeof(SortedDictionary<,>), typeof(SortedList<,>),
        typeof(SortedSet<>), typeof(Queue<>), typeof(Stack<>), typeof(LinkedList<>), typeof(Collection<>),
        typeof(IList<>), typeof(ICollection<>), typeof(IDictionary<,>), typeof(ISet<>),
    ];

    [Fact]
    public void Public_surface_reachable_from_the_policy_has_no_setter_and_no_mutable_collection()
    {
        var problems = new List<string>();
        WalkType(typeof(ConsentPolicy), nameof(ConsentPolicy), [], problems);

        Assert.Empty(problems);
    }

    [Fact]
    public void Collections_a_policy_hands_out_cannot_be_cast_back_to_something_writable()
    {
        var options = Options(Essential(), ExemptAudience(), ConsentRequired());
        options.BuiltInServices.AddRange(BuiltInCatalogue.ServiceIds.Where(static id => !id.EndsWith("-exempt", StringComparison.Ordinal)));
        var policy = ConsentPolicy.Create(options);
        var problems = new List<string>();

        WalkValue(policy, nameof(ConsentPolicy), new HashSet<object>(ReferenceEqualityComparer.Instance), problems);
        WalkValue(policy.Classifier.Classify("VISITOR_INFO1_LIVE"), "Classify(VISITOR_INFO1_LIVE)", new HashSet<object>(ReferenceEqualityComparer.Instance), problems);

        Assert.Empty(problems);
    }

    [Fact]
    public void Mutating_options_after_create_does_not_change_the_policy()
    {
        var options = Options(Essential(), ExemptAudience(), ConsentRequired("videos", Cookie("vid_id", "P6M")));
        options.BuiltInServices.Add("youtube");
        options.Purposes.Add(new PurposeDeclaration { Id = "pedagogy", Name = new("Pédagogie", "Learning") });
        var policy = ConsentPolicy.Create(options);
        var version = policy.Version;
        var state = ConsentState.ForAll(policy, ConsentDecision.Denied, ConsentChannel.FirstLayer, DateTimeOffset.UtcNow);

        var videos = options.Services.Single(static s => s.Id == "videos");
        videos.Category = ServiceCategory.Essential;
        videos.LegalBasis = LegalBasis.PublicInterest;
        videos.Justification["fr"] = "Désormais indispensable.";
        videos.Name["fr"] = "Autre nom";
        videos.Cookies[0].Name = "other_cookie";
        videos.Cookies.Add(Cookie("added"));
        var stats = options.Services.Single(static s => s.Id == "stats");
        stats.Exemption = stats.Exemption! with { Configuration = "Autre configuration." };
        options.Purposes[0].Name["fr"] = "Autre finalité";
        options.Texts.BannerTitle["fr"] = "Autre titre";
        options.Controllers.Add("Un autre responsable");

        Assert.Equal(version, policy.Version);
        Assert.False(policy.IsAllowed("videos", state));
        Assert.Equal(ServiceCategory.ConsentRequired, policy.FindService("videos")!.Category);
        Assert.Equal("Vidéos", policy.FindService("videos")!.Name["fr"]);
        Assert.Equal(ServiceCategory.ConsentRequired, policy.Classifier.Classify("vid_id").Category);
        Assert.False(policy.Classifier.Classify("added").IsKnown);
        Assert.Equal("IP truncated to two bytes, User ID off.", policy.FindService("stats")!.Exemption!.Configuration);
        Assert.Equal("Pédagogie", policy.FindPurpose("pedagogy")!.Name["fr"]);
        Assert.Equal("Vos choix sur les cookies", policy.Texts.BannerTitle["fr"]);
        Assert.Equal(2, policy.Controllers.Count);
        Assert.NotEqual(version, ConsentPolicy.Create(options).Version); // The changes were real.
    }

    [Fact]
    public void Mutating_a_built_in_service_copy_changes_neither_the_policy_nor_later_policies()
    {
        var options = Options();
        options.BuiltInServices.Add("youtube");
        var policy = ConsentPolicy.Create(options);
        var version = policy.Version;

        var youtube = BuiltInCatalogue.Find("youtube")!;
        youtube.Category = ServiceCategory.Essential;
        youtube.Cookies.Clear();
        youtube.Name["fr"] = "Autre";

        Assert.Equal(version, policy.Version);
        Assert.False(policy.IsAllowed("youtube", null));
        Assert.Equal(ServiceCategory.ConsentRequired, policy.Classifier.Classify("VISITOR_INFO1_LIVE").Category);
        Assert.Equal(version, ConsentPolicy.Create(options).Version);
    }

    [Fact]
    public void Mutating_the_built_in_purposes_changes_neither_the_policy_nor_later_policies()
    {
        var options = Options(ConsentRequired());
        var policy = ConsentPolicy.Create(options);
        var version = policy.Version;

        var video = BuiltInCatalogue.Purposes.Single(static p => p.Id == "video");
        video.Name["fr"] = "Autre chose";
        video.Id = "renamed";

        Assert.Equal(version, policy.Version);
        Assert.Equal("Vidéos intégrées", policy.FindPurpose("video")!.Name["fr"]);
        Assert.Equal(version, ConsentPolicy.Create(options).Version);
    }

    [Fact]
    public void Every_built_in_returns_a_fresh_copy()
    {
        foreach (var id in BuiltInCatalogue.ServiceIds)
        {
            Assert.NotSame(BuiltInCatalogue.Find(id), BuiltInCatalogue.Find(id));
            Assert.NotSame(BuiltInCatalogue.Find(id)!.Name, BuiltInCatalogue.Find(id)!.Name);
            Assert.NotSame(BuiltInCatalogue.Find(id)!.Cookies, BuiltInCatalogue.Find(id)!.Cookies);
        }

        Assert.NotSame(BuiltInCatalogue.Purposes, BuiltInCatalogue.Purposes);
        Assert.NotSame(BuiltInCatalogue.Purposes[0], BuiltInCatalogue.Purposes[0]);
        Assert.NotSame(BuiltInCatalogue.Purposes[0].Name, BuiltInCatalogue.Purposes[0].Name);
    }

    [Fact]
    public void Localized_text_built_from_a_dictionary_keeps_its_own_copy()
    {
        var source = new LocalizedTextDeclaration("Bonjour", "Hello");
        var text = new LocalizedText(source);

        source["fr"] = "Salut";
        source.Remove("en");

        Assert.Equal("Bonjour", text["fr"]);
        Assert.Equal("Hello", text["EN"]);
        Assert.False(typeof(IDictionary<string, string>).IsAssignableFrom(typeof(LocalizedText)));
    }

    private static void WalkType(Type type, string path, HashSet<Type> seen, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsMutableCollectionType(type))
        {
            problems.Add($"{path}: {type} is a mutable collection.");
            return;
        }

        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                WalkType(argument, $"{path}<{argument.Name}>", seen, problems);
            }
        }

        foreach (var element in type.GetInterfaces().Where(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))
        {
            WalkType(element.GetGenericArguments()[0], $"{path}[]", seen, problems);
        }

        if (type.Assembly != typeof(ConsentPolicy).Assembly || !seen.Add(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        {
            if (property.SetMethod is { IsPublic: true } setter && !IsInit(setter))
            {
                problems.Add($"{path}.{property.Name} has a public setter.");
            }

            WalkType(property.PropertyType, $"{type.Name}.{property.Name}", seen, problems);
        }

        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Where(static m => !m.IsSpecialName))
        {
            WalkType(method.ReturnType, $"{type.Name}.{method.Name}()", seen, problems);
        }
    }

    private static bool IsInit(MethodInfo setter)
        => setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    private static bool IsMutableCollectionType(Type type)
    {
        if (type.IsArray)
        {
            return true;
        }

        if (type.IsGenericType && MutableCollectionDefinitions.Contains(type.GetGenericTypeDefinition()))
        {
            return true;
        }

        var readOnlyByDesign = type.Namespace is "System.Collections.Immutable" or "System.Collections.Frozen"
            || (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(ReadOnlyCollection<>) || type.GetGenericTypeDefinition() == typeof(ReadOnlyDictionary<,>)));
        return !readOnlyByDesign && !type.IsInterface
            && (typeof(IList).IsAssignableFrom(type) || typeof(IDictionary).IsAssignableFrom(type)
                || type.GetInterfaces().Any(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>)));
    }

    private static void WalkValue(object? value, string path, HashSet<object> seen, List<string> problems)
    {
        if (value is null or string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        if ((value is IList { IsReadOnly: false }) || (value is IDictionary { IsReadOnly: false }))
        {
            problems.Add($"{path}: the {value.GetType()} behind it can be written to.");
        }

        if (value is IEnumerable items)
        {
            var index = 0;
            foreach (var item in items)
            {
                WalkValue(item, $"{path}[{index++}]", seen, problems);
            }
        }

        if (value.GetType().Assembly != typeof(ConsentPolicy).Assembly)
        {
            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(static p => p.GetIndexParameters().Length == 0))
        {
            WalkValue(property.GetValue(value), $"{path}.{property.Name}", seen, problems);
        }
    }
}
