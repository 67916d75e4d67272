using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Cli.Demo;

/// <summary>A demo organisation: every name carries "Demo" so nobody mistakes it for the real broadcaster.</summary>
internal sealed record DemoOrganization(string Name, string ShortName, string Country, string City, string Language, OrganizationKind Kind, Region Region);

/// <summary>
/// The founding forum's cast, fixed in code: the five co-proposers (a national media group and four
/// regional broadcasting unions) and member organisations from every Global South region, plus a few
/// from Europe and the Americas. Regions follow the organization service's country → region table.
/// </summary>
internal static class ForumCatalog
{
    public const string MediaGroup = "Demo National Media Group";
    public const string AsiaPacificUnion = "Demo Asia-Pacific Broadcasting Union";
    public const string ArabUnion = "Demo Arab States Broadcasting Union";
    public const string AfricanUnion = "Demo African Broadcasting Union";
    public const string LatinUnion = "Demo Latin American Broadcasting Union";

    public static readonly DemoOrganization[] CoProposers =
    [
        new(MediaGroup, "DNMG", "CN", "Beijing", "zh", OrganizationKind.Broadcaster, Region.AsiaPacific),
        new(AsiaPacificUnion, "D-ABU", "MY", "Kuala Lumpur", "en", OrganizationKind.BroadcastingUnion, Region.AsiaPacific),
        new(ArabUnion, "D-ASBU", "TN", "Tunis", "ar", OrganizationKind.BroadcastingUnion, Region.ArabStates),
        new(AfricanUnion, "D-AUB", "KE", "Nairobi", "en", OrganizationKind.BroadcastingUnion, Region.Africa),
        new(LatinUnion, "D-LABU", "UY", "Montevideo", "es", OrganizationKind.BroadcastingUnion, Region.LatinAmericaCaribbean),
    ];

    // (country, country name, city, language, region)
    private static readonly (string Code, string Name, string City, string Language, Region Region)[] Countries =
    [
        ("IN", "India", "New Delhi", "hi", Region.AsiaPacific), ("ID", "Indonesia", "Jakarta", "id", Region.AsiaPacific),
        ("TH", "Thailand", "Bangkok", "th", Region.AsiaPacific), ("VN", "Viet Nam", "Hanoi", "vi", Region.AsiaPacific),
        ("PH", "Philippines", "Manila", "en", Region.AsiaPacific), ("MY", "Malaysia", "Kuala Lumpur", "ms", Region.AsiaPacific),
        ("PK", "Pakistan", "Islamabad", "ur", Region.AsiaPacific), ("BD", "Bangladesh", "Dhaka", "bn", Region.AsiaPacific),
        ("LK", "Sri Lanka", "Colombo", "si", Region.AsiaPacific), ("NP", "Nepal", "Kathmandu", "ne", Region.AsiaPacific),
        ("MN", "Mongolia", "Ulaanbaatar", "mn", Region.AsiaPacific), ("LA", "Lao PDR", "Vientiane", "lo", Region.AsiaPacific),
        ("KH", "Cambodia", "Phnom Penh", "km", Region.AsiaPacific), ("MM", "Myanmar", "Yangon", "my", Region.AsiaPacific),
        ("FJ", "Fiji", "Suva", "en", Region.AsiaPacific), ("PG", "Papua New Guinea", "Port Moresby", "en", Region.AsiaPacific),
        ("IR", "Iran", "Tehran", "fa", Region.AsiaPacific), ("CN", "China", "Quanzhou", "zh", Region.AsiaPacific),
        ("KZ", "Kazakhstan", "Astana", "kk", Region.CentralAsia), ("UZ", "Uzbekistan", "Tashkent", "uz", Region.CentralAsia),
        ("KG", "Kyrgyzstan", "Bishkek", "ky", Region.CentralAsia), ("TJ", "Tajikistan", "Dushanbe", "tg", Region.CentralAsia),
        ("TM", "Turkmenistan", "Ashgabat", "tk", Region.CentralAsia), ("AZ", "Azerbaijan", "Baku", "az", Region.CentralAsia),
        ("GE", "Georgia", "Tbilisi", "ka", Region.CentralAsia), ("AM", "Armenia", "Yerevan", "hy", Region.CentralAsia),
        ("EG", "Egypt", "Cairo", "ar", Region.ArabStates), ("SA", "Saudi Arabia", "Riyadh", "ar", Region.ArabStates),
        ("AE", "United Arab Emirates", "Abu Dhabi", "ar", Region.ArabStates), ("QA", "Qatar", "Doha", "ar", Region.ArabStates),
        ("JO", "Jordan", "Amman", "ar", Region.ArabStates), ("LB", "Lebanon", "Beirut", "ar", Region.ArabStates),
        ("MA", "Morocco", "Rabat", "fr", Region.ArabStates), ("DZ", "Algeria", "Algiers", "ar", Region.ArabStates),
        ("TN", "Tunisia", "Sfax", "ar", Region.ArabStates), ("IQ", "Iraq", "Baghdad", "ar", Region.ArabStates),
        ("OM", "Oman", "Muscat", "ar", Region.ArabStates), ("SD", "Sudan", "Khartoum", "ar", Region.ArabStates),
        ("KW", "Kuwait", "Kuwait City", "ar", Region.ArabStates), ("PS", "Palestine", "Ramallah", "ar", Region.ArabStates),
        ("NG", "Nigeria", "Lagos", "en", Region.Africa), ("KE", "Kenya", "Mombasa", "sw", Region.Africa),
        ("ZA", "South Africa", "Johannesburg", "en", Region.Africa), ("ET", "Ethiopia", "Addis Ababa", "am", Region.Africa),
        ("GH", "Ghana", "Accra", "en", Region.Africa), ("SN", "Senegal", "Dakar", "fr", Region.Africa),
        ("TZ", "Tanzania", "Dar es Salaam", "sw", Region.Africa), ("UG", "Uganda", "Kampala", "en", Region.Africa),
        ("CM", "Cameroon", "Yaoundé", "fr", Region.Africa), ("CI", "Côte d'Ivoire", "Abidjan", "fr", Region.Africa),
        ("ZW", "Zimbabwe", "Harare", "en", Region.Africa), ("ZM", "Zambia", "Lusaka", "en", Region.Africa),
        ("MZ", "Mozambique", "Maputo", "pt", Region.Africa), ("AO", "Angola", "Luanda", "pt", Region.Africa),
        ("RW", "Rwanda", "Kigali", "rw", Region.Africa), ("NA", "Namibia", "Windhoek", "en", Region.Africa),
        ("CD", "DR Congo", "Kinshasa", "fr", Region.Africa),
        ("BR", "Brazil", "São Paulo", "pt", Region.LatinAmericaCaribbean), ("MX", "Mexico", "Mexico City", "es", Region.LatinAmericaCaribbean),
        ("AR", "Argentina", "Buenos Aires", "es", Region.LatinAmericaCaribbean), ("CO", "Colombia", "Bogotá", "es", Region.LatinAmericaCaribbean),
        ("PE", "Peru", "Lima", "es", Region.LatinAmericaCaribbean), ("CL", "Chile", "Valparaíso", "es", Region.LatinAmericaCaribbean),
        ("VE", "Venezuela", "Caracas", "es", Region.LatinAmericaCaribbean), ("CU", "Cuba", "Havana", "es", Region.LatinAmericaCaribbean),
        ("BO", "Bolivia", "La Paz", "es", Region.LatinAmericaCaribbean), ("EC", "Ecuador", "Guayaquil", "es", Region.LatinAmericaCaribbean),
        ("UY", "Uruguay", "Montevideo", "es", Region.LatinAmericaCaribbean), ("PY", "Paraguay", "Asunción", "es", Region.LatinAmericaCaribbean),
        ("NI", "Nicaragua", "Managua", "es", Region.LatinAmericaCaribbean), ("DO", "Dominican Republic", "Santo Domingo", "es", Region.LatinAmericaCaribbean),
        ("JM", "Jamaica", "Kingston", "en", Region.LatinAmericaCaribbean),
        ("RS", "Serbia", "Belgrade", "sr", Region.Europe), ("HU", "Hungary", "Budapest", "hu", Region.Europe),
        ("PT", "Portugal", "Lisbon", "pt", Region.Europe), ("GR", "Greece", "Piraeus", "el", Region.Europe),
        ("TR", "Türkiye", "Istanbul", "tr", Region.Europe), ("US", "United States", "New York", "en", Region.NorthAmerica),
    ];

    /// <summary>The 82 members: one per country, a second outlet in a few large markets.</summary>
    public static IReadOnlyList<DemoOrganization> Members()
    {
        var members = new List<DemoOrganization>();
        var i = 0;
        foreach (var (code, name, city, language, region) in Countries)
        {
            var (kind, label) = (i++ % 9) switch
            {
                3 => (OrganizationKind.NewsAgency, $"Demo {name} News Agency"),
                6 => (OrganizationKind.DigitalOutlet, $"Demo {city} Digital"),
                8 => (OrganizationKind.Publisher, $"Demo {name} Media House"),
                _ => (OrganizationKind.Broadcaster, code is "CN" ? $"Demo {city} Maritime Television" : $"Demo {name} National Television"),
            };
            members.Add(new DemoOrganization(label, $"D-{code}{(kind == OrganizationKind.Broadcaster ? "TV" : kind == OrganizationKind.NewsAgency ? "NA" : "DM")}",
                code, city, language, kind, region));
        }

        members.Add(new("Demo China Global News Agency", "D-CNNA", "CN", "Beijing", "zh", OrganizationKind.NewsAgency, Region.AsiaPacific));
        members.Add(new("Demo Mumbai Radio and Television", "D-INRT", "IN", "Mumbai", "en", OrganizationKind.Broadcaster, Region.AsiaPacific));
        members.Add(new("Demo Rio Public Broadcaster", "D-BRRJ", "BR", "Rio de Janeiro", "pt", OrganizationKind.Broadcaster, Region.LatinAmericaCaribbean));
        members.Add(new("Demo Almaty Film Channel", "D-KZFC", "KZ", "Almaty", "ru", OrganizationKind.Broadcaster, Region.CentralAsia));
        return members;
    }

    /// <summary>Which co-proposing union a member of <paramref name="region"/> joins (none for Europe and North America).</summary>
    public static string? UnionFor(Region region) => region switch
    {
        Region.AsiaPacific or Region.CentralAsia => AsiaPacificUnion,
        Region.ArabStates => ArabUnion,
        Region.Africa => AfricanUnion,
        Region.LatinAmericaCaribbean => LatinUnion,
        _ => null,
    };

    /// <summary>North African Arab members also belong to the African union, as in practice.</summary>
    public static bool AlsoAfrican(string country) => country is "EG" or "MA" or "DZ" or "TN" or "SD";

    /// <summary>Story subjects: an IPTC Media Topic and headline phrases per language.</summary>
    public static readonly (string Topic, string Slug, Dictionary<string, string> Phrases)[] Stories =
    [
        ("medtop:03000000", "FLOODS", new() { ["en"] = "Floods force thousands from their homes", ["es"] = "Las inundaciones desplazan a miles de familias", ["fr"] = "Des inondations chassent des milliers d'habitants", ["pt"] = "Enchentes desalojam milhares de famílias", ["ar"] = "الفيضانات تجبر الآلاف على مغادرة منازلهم", ["zh"] = "洪水迫使数千人离开家园", ["ru"] = "Наводнение вынудило тысячи людей покинуть дома" }),
        ("medtop:04000000", "HARBOUR", new() { ["en"] = "New container terminal opens at the old harbour", ["es"] = "Abre una nueva terminal de contenedores en el puerto viejo", ["fr"] = "Un nouveau terminal à conteneurs ouvre au vieux port", ["pt"] = "Novo terminal de contêineres abre no porto antigo", ["ar"] = "افتتاح محطة حاويات جديدة في الميناء القديم", ["zh"] = "老港区新集装箱码头启用", ["ru"] = "В старом порту открылся новый контейнерный терминал" }),
        ("medtop:01000000", "FESTIVAL", new() { ["en"] = "Harvest festival draws record crowds", ["es"] = "El festival de la cosecha bate récords de público", ["fr"] = "La fête des récoltes attire une foule record", ["pt"] = "Festa da colheita atrai público recorde", ["ar"] = "مهرجان الحصاد يجذب حشودا قياسية", ["zh"] = "丰收节吸引创纪录人潮", ["ru"] = "Праздник урожая собрал рекордное число гостей" }),
        ("medtop:06000000", "MANGROVES", new() { ["en"] = "Fishing villages replant the mangroves", ["es"] = "Pueblos pesqueros replantan los manglares", ["fr"] = "Les villages de pêcheurs replantent la mangrove", ["pt"] = "Vilas de pescadores replantam os manguezais", ["ar"] = "قرى الصيادين تعيد زراعة أشجار المانغروف", ["zh"] = "渔村重新种植红树林", ["ru"] = "Рыбацкие деревни восстанавливают мангровые леса" }),
        ("medtop:07000000", "CLINICS", new() { ["en"] = "Mobile clinics reach remote districts", ["es"] = "Clínicas móviles llegan a distritos remotos", ["fr"] = "Des cliniques mobiles atteignent les districts isolés", ["pt"] = "Clínicas móveis chegam a distritos remotos", ["ar"] = "عيادات متنقلة تصل إلى المناطق النائية", ["zh"] = "流动诊所抵达偏远地区", ["ru"] = "Передвижные клиники добрались до отдалённых районов" }),
        ("medtop:15000000", "MARATHON", new() { ["en"] = "City marathon crosses the old trade route", ["es"] = "El maratón recorre la antigua ruta comercial", ["fr"] = "Le marathon emprunte l'ancienne route commerciale", ["pt"] = "Maratona percorre a antiga rota comercial", ["ar"] = "ماراثون المدينة يعبر طريق التجارة القديم", ["zh"] = "城市马拉松穿越古老商路", ["ru"] = "Городской марафон прошёл по древнему торговому пути" }),
        ("medtop:13000000", "SATELLITE", new() { ["en"] = "Students build a weather satellite", ["es"] = "Estudiantes construyen un satélite meteorológico", ["fr"] = "Des étudiants construisent un satellite météo", ["pt"] = "Estudantes constroem um satélite meteorológico", ["ar"] = "طلاب يبنون قمرا صناعيا للأرصاد", ["zh"] = "学生自制气象卫星", ["ru"] = "Студенты собрали метеоспутник" }),
        ("medtop:05000000", "SCHOOLS", new() { ["en"] = "Radio lessons keep rural schools open", ["es"] = "Clases por radio mantienen abiertas las escuelas rurales", ["fr"] = "Des cours à la radio maintiennent les écoles rurales", ["pt"] = "Aulas pelo rádio mantêm escolas rurais abertas", ["ar"] = "دروس عبر الإذاعة تبقي المدارس الريفية مفتوحة", ["zh"] = "广播课堂让乡村学校不停课", ["ru"] = "Радиоуроки помогают сельским школам" }),
        ("medtop:11000000", "SUMMIT", new() { ["en"] = "Regional summit agrees on media cooperation", ["es"] = "Cumbre regional acuerda cooperación mediática", ["fr"] = "Le sommet régional s'accorde sur la coopération médiatique", ["pt"] = "Cúpula regional acorda cooperação na mídia", ["ar"] = "قمة إقليمية تتفق على التعاون الإعلامي", ["zh"] = "地区峰会就媒体合作达成一致", ["ru"] = "Региональный саммит договорился о сотрудничестве СМИ" }),
        ("medtop:08000000", "SPICE", new() { ["en"] = "The last spice traders of the port", ["es"] = "Los últimos comerciantes de especias del puerto", ["fr"] = "Les derniers marchands d'épices du port", ["pt"] = "Os últimos comerciantes de especiarias do porto", ["ar"] = "آخر تجار التوابل في الميناء", ["zh"] = "港口最后的香料商人", ["ru"] = "Последние торговцы пряностями в порту" }),
    ];

    public static readonly string[] DocumentaryTitles =
    [
        "Sails of the Monsoon", "The Silk and the Sea", "Voices of the Delta", "Salt Roads", "Guardians of the Reef", "The Lighthouse Keepers",
        "Rice, Rain and Radio", "Desert Libraries", "The Long Caravan", "Children of the Andes", "Tea Horse Road", "Harbour of a Thousand Ships",
    ];

    public static readonly string[] DramaTitles =
    [
        "The Ferryman's Daughter", "Port Lights", "Three Sisters of Zanzibar", "Monsoon Wedding Season", "The Cartographer", "Market Street",
    ];

    /// <summary>Languages whose phrases exist; others fall back to English headlines with the owner's audio language.</summary>
    public static string HeadlineLanguage(string language) => language is "es" or "fr" or "pt" or "ar" or "zh" or "ru" ? language : "en";
}
