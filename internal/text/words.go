package text

import "strings"

// wordClass is what the analysis knows about a folded word form regardless
// of its stem: stop word, negator, intensifier and the other function words
// of the sentiment rules, and whether it is evidence of a language.
type wordClass uint32

const (
	stopNL wordClass = 1 << iota
	stopEN
	vocabNL // a word of the built-in Dutch lists: evidence for Dutch
	vocabEN
	negator     // niet, not: flips the polarity of what follows closely
	intensifier // zeer, very
	diminisher  // beetje, slightly
	contrast    // maar, but: what follows outweighs what went before
	concession  // hoewel, although: what follows weighs less
	modal       // kan, could: "kan beter" is a complaint
	improve     // beter, faster: negative after a modal ("could be faster")
	too         // te, too
	dimension   // lang, expensive: negative after "te"/"too"
	only        // alleen, only: "niet alleen … maar ook" negates nothing
	also        // ook, also: "maar ook" contrasts nothing
	caveat      // alleen: at the start of a clause, a minor remark that weighs less
	formWeight  // the lexicon weighs this form itself, not its stem
	generic     // klant, company: too general to suggest as a theme
	particle    // mee, op: the particle of a Dutch separable verb ("denkt … mee")
	postVerbal  // niet, nooit: may negate the verb before it ("ze luisteren niet", "kloppen nooit")
	softNegator // minder, less: negates a word of sentiment, is nothing alone
	conjunction // en, and: a negation before it does not reach past it ("kloppen nooit en niemand reageert")
)

// vocabOf gives each language's vocabulary bit.
var vocabOf = [2]wordClass{vocabNL, vocabEN}

// functionWord marks the words that steer the sentiment rules; like stop
// words they never stand in a key phrase.
const functionWord = negator | intensifier | diminisher | contrast | concession | modal | too

// stopFor gives each language's stop-word bit.
var stopFor = [2]wordClass{stopNL, stopEN}

// wordInfo is what the lists say about a folded word form.
type wordInfo struct {
	class  wordClass
	weight float32 // with formWeight: the form's sentiment weight
}

// wordTable holds every listed word form.
var wordTable = buildWords()

func buildWords() map[string]wordInfo {
	m := make(map[string]wordInfo, 1500)
	add := func(list string, c wordClass) {
		for _, w := range strings.Fields(list) {
			wi := m[w]
			wi.class |= c
			m[w] = wi
		}
	}
	add(dutchStop, stopNL|vocabNL)
	add(englishStop, stopEN|vocabEN)
	for _, fw := range [...]struct {
		nl, en string
		c      wordClass
	}{
		{dutchNegators, englishNegators, negator},
		{dutchIntensifiers, englishIntensifiers, intensifier},
		{dutchDiminishers, englishDiminishers, diminisher},
		{dutchContrast, englishContrast, contrast},
		{dutchConcession, englishConcession, concession},
		{dutchModals, englishModals, modal},
		{dutchImprove, englishImprove, improve},
		{"te", "too", too},
		{dutchDimensions, englishDimensions, dimension},
		{"alleen", "only", only},
		{"ook", "also", also},
	} {
		add(fw.nl, fw.c|vocabNL)
		add(fw.en, fw.c|vocabEN)
	}
	// Many generic words are shared by both languages ("team", "service"),
	// so they are no evidence of either.
	add(dutchGeneric+" "+englishGeneric, generic)
	add("alleen", caveat)
	add("niet nooit", postVerbal)
	add("en and or", conjunction)
	add("minder less", negator|softNegator)
	add(dutchParticles, particle)
	for _, l := range [...]struct {
		lex   []lexGroup
		vocab wordClass
	}{{dutchLexicon, vocabNL}, {englishLexicon, vocabEN}} {
		for _, g := range l.lex {
			for _, w := range strings.Fields(g.words) {
				switch {
				case strings.HasPrefix(w, "="):
					wi := m[w[1:]]
					wi.class |= l.vocab | formWeight
					wi.weight = g.weight
					m[w[1:]] = wi
				case !strings.Contains(w, "_"):
					add(w, l.vocab)
				}
			}
		}
	}
	return m
}

// The stop words: function words and the commonest verbs, which carry no
// theme. They still count inside multi-word keywords ("op tijd").
const dutchStop = `aan af al alle allemaal alles als altijd ander andere anders ben bent bij
bijna binnen daar daarbij daardoor daarin daarmee daarna daarnaast daarom daarvan dan dat de deze
die dit doch doe doen doet door dus echter een eens eigenlijk elk elkaar elke en enkel enkele enz
er erbij ermee erover even gaan gaat gedaan geen gehad geweest gewoon ging gingen graag haar had
hadden heb hebben hebt heeft hele hem hen het hier hierbij hij hoe hoor hun ieder iedereen iemand
iets ik in is ja je jij jou jouw jullie kan kon konden krijg krijgen krijgt kreeg kregen kun kunnen
kunt kwam laat maar me mee meer men met mij mijn mag mogen moest moesten moet moeten na naar
natuurlijk nee niet niets niks nog nogal nooit nou nu of ok oke om omdat onder ons onze ook ooit op
over pas reeds rond sinds soms staat steeds te tegen terwijl toch toe toen tot u uit uw van veel
verder vind vinden vond voor vooral waar waarbij waardoor waarin waarom waarvan wanneer want was
waren wat we weer wel welk welke werd werden weet weten wie wij wil willen word worden wordt zal ze
zeer zelf zich zie zien zij zijn zit zitten zo zoals zodat zon zou zouden zullen erg heel echt
zeker vaak best beide komt komen blijft blijven bleef lijkt deed deden dingen`

const englishStop = `a about above after again against all almost also although always am among
an and another any anyone anything are arent around as at be because been before being below
between both but by can cannot cant could couldnt did didnt do does doesnt doing done dont during
each either else enough etc even ever every everyone everything few for from further get gets
getting got gotten had hadnt has hasnt have havent having he hed hes her here hers herself him
himself his how however i id if ill im in into is isnt it its itself ive just least less let lets
like made make makes many may maybe me might more most much must my myself neither never no nobody
none nor not nothing now of off often on once one ones only or other others our ours ourselves out
over own per quite rather really same see seem seems she should shouldnt since so some someone
something sometimes still such than that thats the their theirs them themselves then there theres
these they theyd theyll theyre theyve thing things this those though through thus to too toward
under until up upon us very via was wasnt way we wed well were werent weve what whatever whats when
where whether which while who whom whose why will with within without wont would wouldnt yet you
youd youll your youre yours yourself youve yes ok okay lot lots bit`

const (
	// Particles of Dutch separable verbs: a keyword ending in one ("denkt
	// mee", "lost op") also matches with words in between ("denkt goed mee").
	dutchParticles = "mee op uit af aan door terug over na toe bij weg vast los samen voor achter om tegen"

	dutchNegators   = "niet geen nooit niets niks nergens noch zonder nauwelijks amper"
	englishNegators = `not no never nothing none neither nor without dont doesnt didnt isnt wasnt
arent werent cant cannot couldnt wont wouldnt shouldnt havent hasnt hadnt aint hardly barely nowhere`

	dutchIntensifiers = `zeer heel erg echt enorm ontzettend bijzonder uiterst extreem hartstikke
zo absoluut buitengewoon uitermate behoorlijk totaal volledig helemaal werkelijk oprecht veel super
nogal`
	englishIntensifiers = `very really extremely so highly incredibly truly absolutely totally
especially particularly exceptionally remarkably super way far much completely utterly genuinely
seriously`

	dutchDiminishers   = "vrij tamelijk beetje iets wat enigszins soms redelijk paar"
	englishDiminishers = "slightly somewhat bit little fairly rather sometimes occasionally kinda partly few"

	dutchContrast   = "maar echter desondanks"
	englishContrast = "but however"

	dutchConcession   = "hoewel alhoewel ondanks weliswaar"
	englishConcession = "although though despite whereas"

	dutchModals   = "kan kon kun kunt kunnen konden mag mogen moet moeten mocht moest zou zouden ruimte"
	englishModals = "could can should would must might may need needs room cant couldnt wish"

	dutchImprove = `beter verbeteren verbetering verbeterd sneller duidelijker vaker lager
goedkoper eerder vriendelijker makkelijker`
	englishImprove = `better improve improved improvement improving faster quicker clearer
cheaper lower easier friendlier`

	dutchDimensions = `lang lange langer hoog hoge hoger veel weinig duur dure traag laat langzaam
klein groot ingewikkeld moeilijk complex druk kort korte vaak ver zwaar star beperkt snel krap
streng prijzig omslachtig onduidelijk vaag`
	englishDimensions = `long longer high higher much many expensive slow late small big complex
complicated often few little busy short far rigid pricey costly limited fast quick strict vague
hard difficult`

	// The generic words name the company, its customers or the calendar;
	// frequent everywhere, they would crowd out real theme suggestions.
	dutchGeneric = `bedrijf bedrijven organisatie klant klanten mensen partij keer jaar jaren maand
maanden week weken dag dagen uur uren tijd moment ding manier stuk deel punt kant collega collegas
medewerkers medewerker jullie leverancier dienst diensten`
	englishGeneric = `company companies business customer customers people time times year years
month months week weeks day days hour hours minute minutes way part side everything anything staff
team guys provider supplier vendor service services`
)
