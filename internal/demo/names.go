package demo

// The word lists the demo's people and companies are drawn from. Place
// names are invented, so that no demo customer is mistaken for a real
// organisation; the surnames are the common Dutch ones.

var dutchFirstNames = []string{
	"Anna", "Bas", "Bram", "Carlijn", "Daan", "Demi", "Dirk", "Eline", "Emma", "Erik",
	"Esther", "Femke", "Floor", "Freek", "Gert", "Hanneke", "Hans", "Ilse", "Inge", "Jan",
	"Jasper", "Jeroen", "Joost", "Joris", "Judith", "Karin", "Kees", "Koen", "Laura", "Lieke",
	"Linda", "Lisa", "Maarten", "Manon", "Marieke", "Mark", "Martijn", "Maud", "Merel", "Michiel",
	"Mohamed", "Nadia", "Niels", "Noor", "Paul", "Petra", "Rachid", "Remco", "Renate", "Rik",
	"Robin", "Roel", "Ronald", "Roos", "Ruud", "Sander", "Saskia", "Sem", "Sophie", "Stefan",
	"Thijs", "Tim", "Tom", "Vera", "Wendy", "Willem", "Wouter", "Yara", "Yusuf", "Zoë",
	"Annelies", "Arjen", "Bart", "Chantal", "Dennis", "Evelien", "Frank", "Geert", "Hester", "Ivo",
	"Jolanda", "Marco", "Mirjam", "Nicole", "Patrick", "Priya", "Sevda", "Tessa", "Vincent", "Wim",
}

var dutchSurnames = []string{
	"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
	"Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
	"van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
	"van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
	"van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems",
	"van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal",
	"Prins", "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper",
	"Veenstra", "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink",
	"de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boer", "van der Velde",
	"Willemsen", "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen", "Schipper", "de Koning",
	"El Idrissi", "Yilmaz", "Öztürk", "Bouzid", "Kaya", "Nguyen", "Tahiri", "Ramdin",
}

var englishFirstNames = []string{
	"Oliver", "Sophie", "Daniel", "Hannah", "Michael", "Rachel", "David", "Emily", "Thomas",
	"Sarah", "James", "Chloe", "Andrew", "Megan", "Richard", "Grace", "Peter", "Lucy", "Simon", "Kate",
}

var englishSurnames = []string{
	"Walsh", "Bennett", "Hughes", "Murphy", "Clarke", "Foster", "Harris", "Patel", "Turner",
	"Wright", "Collins", "Reid", "Morgan", "Price", "Fletcher", "Shaw", "Doyle", "Lawson",
}

// places are invented Dutch-sounding place and area names.
var places = []string{
	"Beekdaal", "Bergenveld", "Dijkwater", "Duinwijk", "Eemhoven", "Groenewoude", "Heuvelrand",
	"Hoogeveld", "Kanaalzijde", "Kreekdijk", "Lindendal", "Meerzicht", "Noorderhaven", "Oostermeer",
	"Polderwijk", "Riethoven-Oost", "Sluisdorp", "Steenakker", "Veenhuizen-Noord", "Vlietland",
	"Waalhaven-Zuid", "Westerkogge", "Wilgendaal", "Zandbergen", "Zuiderveld", "Heidemaar",
	"IJsselweide", "Brugkampen", "Lingedal", "Maasbeek",
}

// words are neutral words that Dutch companies take as a name.
var words = []string{
	"Baken", "Blauw", "Helder", "Kompas", "Vonk", "Stroom", "Spoor", "Kern", "Noord", "Anker",
	"Horizon", "Linde", "Eik", "Brug", "Toren", "Zuid", "Delta", "Vlinder", "Zon", "Haven",
}

// An industry with how common it is among the customers, how large its
// customers tend to be, how its customers feel (a small shift of their
// satisfaction, which makes segment breakdowns show something), and how
// its companies are named.
type industry struct {
	name string
	// weight is the industry's share of accounts, relative.
	weight int
	// sizes weighs klein, middelgroot and groot.
	sizes [3]int
	// mood shifts the satisfaction of its contacts.
	mood float64
	// names are patterns: {s} a surname, {p} a place, {w} a word.
	names []string
}

var industries = []industry{
	{"Logistiek", 16, [3]int{4, 4, 2}, 0, []string{
		"{s} Transport", "{s} Logistiek", "Distributiecentrum {p}", "Transportbedrijf {s}",
		"{w} Logistics", "Koeltransport {p}", "{p} Expeditie"}},
	{"Zorg", 15, [3]int{2, 4, 4}, -0.3, []string{
		"Zorggroep {p}", "Thuiszorg {p}", "Stichting {w}zorg", "Huisartsenpraktijk {p}",
		"Fysiotherapie {s}", "Woonzorg {p}"}},
	{"Bouw", 14, [3]int{5, 3, 2}, -0.1, []string{
		"Bouwbedrijf {s}", "{s} Bouw", "{s} & Zonen", "Aannemersbedrijf {s}",
		"{p} Installatietechniek", "{w} Vastgoedonderhoud"}},
	{"ICT", 12, [3]int{5, 4, 1}, 0.3, []string{
		"{w}soft", "{w} IT", "{w}data", "{w} Software", "{s} ICT", "{w} Cloud Services"}},
	{"Onderwijs", 10, [3]int{2, 4, 4}, 0.2, []string{
		"{p} College", "Scholengroep {p}", "Stichting Openbaar Onderwijs {p}",
		"{w} Academie", "Kindcentrum {p}"}},
	{"Overheid", 8, [3]int{1, 3, 6}, -0.2, []string{
		"Waterschap {p}", "Omgevingsdienst {p}", "Regionaal Archief {p}",
		"Belastingsamenwerking {p}", "Recreatieschap {p}"}},
	{"Retail", 13, [3]int{5, 3, 2}, 0.1, []string{
		"{s} Mode", "Tuincentrum {p}", "{w} Wonen", "{s} Supermarkten", "Warenhuis {p}", "{w} Retail Groep"}},
	{"Financiële dienstverlening", 12, [3]int{5, 4, 1}, 0, []string{
		"{s} Accountants", "{s} & Partners Belastingadviseurs", "{w} Verzekeringen",
		"Financieel Advies {p}", "Administratiekantoor {s}", "{w} Vermogensbeheer"}},
}

// The company sizes, with the annual revenue the demo company makes on a
// typical account of that size (the median, in euros) and how many
// contacts such an account has.
var sizes = []struct {
	name        string
	medianEuros float64
	minContacts int
	maxContacts int
}{
	{"Klein (1-49)", 14000, 1, 2},
	{"Middelgroot (50-249)", 48000, 2, 4},
	{"Groot (250+)", 165000, 3, 6},
}

// A province with its region and relative number of customers.
var provinces = []struct {
	name, region string
	weight       int
}{
	{"Noord-Holland", "Randstad", 14}, {"Zuid-Holland", "Randstad", 16}, {"Utrecht", "Randstad", 10},
	{"Groningen", "Noord", 5}, {"Friesland", "Noord", 5}, {"Drenthe", "Noord", 4},
	{"Overijssel", "Oost", 7}, {"Gelderland", "Oost", 10}, {"Flevoland", "Oost", 3},
	{"Noord-Brabant", "Zuid", 14}, {"Limburg", "Zuid", 7}, {"Zeeland", "Zuid", 3},
}

// The functions of contact persons, which become a contact attribute.
var functions = []string{
	"Directeur", "Operationeel manager", "Inkoper", "Office manager", "IT-coördinator",
	"Facilitair manager", "Controller", "Teamleider", "HR-adviseur", "Projectleider",
}

// passwordWords make the demo user's password: easy to type off a
// terminal, long enough for any policy.
var passwordWords = []string{
	"tulp", "molen", "fiets", "gracht", "dijk", "polder", "klomp", "haring", "stroopwafel", "kaas",
	"duin", "sluis", "brug", "kade", "wad", "zeil", "schaats", "vlag", "toren", "haven",
	"boot", "kanaal", "weide", "wolk", "regen", "storm", "zon", "maan", "ster", "berk",
}
