package demo

import "github.com/promotor/promotor/internal/nps"

// The sentences demo comments are made of, per theme and tone, in Dutch
// and English. {am} stands for the account manager's first name, {wait}
// for a waiting time. A complaint never starts with a name, so that it
// can follow "maar" in lower case.

// The themes customers write about.
const (
	themeResponseTime  = "reactietijd"
	themeExpertise     = "deskundigheid"
	themePrice         = "prijs"
	themeCommunication = "communicatie"
	themeManager       = "accountmanager"
	themeInvoicing     = "facturatie"
	themeOnboarding    = "onboarding"
	themeReliability   = "betrouwbaarheid"
)

// phrases are sentences in each language.
type phrases struct{ nl, en []string }

func (p phrases) in(lang string) []string {
	if lang == "en" {
		return p.en
	}
	return p.nl
}

// theme holds what customers say about one theme: praise, complaints, and
// praise for a problem that was fixed after last year's measurement (the
// article's story). A theme without fixed sentences was not worked on.
type theme struct {
	praise, complaint, fixed phrases
}

var themes = map[string]theme{
	themeResponseTime: {
		praise: phrases{
			nl: []string{
				"Vragen worden snel opgepakt, meestal dezelfde dag nog.",
				"De servicedesk reageert snel en denkt mee.",
				"Als er iets is, staan ze direct voor ons klaar.",
				"Korte lijnen en snelle reacties.",
				"Meldingen worden vlot en netjes afgehandeld.",
			},
			en: []string{
				"Questions are picked up quickly, usually the same day.",
				"The service desk responds fast and thinks along with us.",
				"Whenever something comes up, they are there right away.",
			},
		},
		complaint: phrases{
			nl: []string{
				"Op een antwoord op een simpele vraag wachten we vaak {wait}.",
				"De reactietijd van de servicedesk is echt te lang: {wait} wachten is geen uitzondering.",
				"Tickets blijven {wait} liggen voordat er iemand naar kijkt.",
				"Als er iets misgaat, duurt het veel te lang voordat we worden teruggebeld.",
				"We moeten steeds zelf achter onze meldingen aan bellen.",
			},
			en: []string{
				"We often wait {wait} for an answer to a simple question.",
				"Tickets sit for {wait} before anyone looks at them.",
				"When something goes wrong it takes far too long before anyone calls back.",
			},
		},
		fixed: phrases{
			nl: []string{
				"Sinds vorig jaar is de reactietijd enorm verbeterd: binnen een dag hebben we antwoord.",
				"Het verschil met vorig jaar is groot; tickets worden nu binnen een paar uur opgepakt.",
				"Waar we vroeger {wait} moesten wachten, worden we nu dezelfde dag geholpen.",
				"De afspraken uit het verbeterplan over reactietijden worden echt nagekomen.",
			},
			en: []string{
				"Response times have improved enormously since last year: we get an answer within a day.",
				"Where we used to wait {wait}, we are now helped the same day.",
				"The response times agreed in the improvement plan are really being met.",
			},
		},
	},
	themeExpertise: {
		praise: phrases{
			nl: []string{
				"Zeer deskundige mensen, ze weten waar ze het over hebben.",
				"De kennis van de consultants is top.",
				"Ze begrijpen onze branche en geven goed advies.",
				"Vakkundig en oplossingsgericht.",
				"Je merkt dat de medewerkers hun vak verstaan.",
			},
			en: []string{
				"Very knowledgeable people who know what they are talking about.",
				"The consultants really understand our business and give good advice.",
				"Skilled and solution-oriented.",
			},
		},
		complaint: phrases{
			nl: []string{
				"De consultants die we krijgen hebben te weinig kennis van onze branche.",
				"Bij complexere vragen merk je dat de kennis ontbreekt.",
				"Er worden medewerkers bij ons ingezet die nog niet zijn ingewerkt.",
			},
			en: []string{
				"The consultants we get know too little about our sector.",
				"With more complex questions you notice the expertise is lacking.",
			},
		},
		fixed: phrases{
			nl: []string{
				"Je merkt dat de medewerkers een training hebben gehad: ze denken veel meer vanuit de klant.",
				"De medewerkers mogen nu zelf beslissingen nemen, daardoor gaat alles sneller.",
				"We hoeven niet meer van het kastje naar de muur: wie we aan de lijn krijgen, lost het op.",
			},
			en: []string{
				"You can tell the staff have been trained: they think much more from the customer's side.",
				"Staff can now make decisions themselves, so everything moves faster.",
			},
		},
	},
	themePrice: {
		praise: phrases{
			nl: []string{
				"Goede prijs-kwaliteitverhouding.",
				"De prijs is redelijk voor wat we krijgen.",
				"Transparante tarieven, geen verrassingen achteraf.",
			},
			en: []string{
				"Good value for money.",
				"Transparent rates, no surprises afterwards.",
			},
		},
		complaint: phrases{
			nl: []string{
				"De prijs is fors gestegen zonder dat de service beter is geworden.",
				"Te duur voor wat we krijgen.",
				"De tarieven liggen flink boven die van andere aanbieders.",
				"Meerwerk wordt wel erg snel in rekening gebracht.",
			},
			en: []string{
				"The price went up considerably while the service did not get any better.",
				"Too expensive for what we get.",
				"Extra work is billed far too easily.",
			},
		},
	},
	themeCommunication: {
		praise: phrases{
			nl: []string{
				"Heldere communicatie en duidelijke afspraken.",
				"Ze houden ons goed op de hoogte.",
				"Open en eerlijk, ook als er iets misgaat.",
			},
			en: []string{
				"Clear communication and clear agreements.",
				"They keep us well informed.",
			},
		},
		complaint: phrases{
			nl: []string{
				"We horen pas dat er iets misgaat als we er zelf naar vragen.",
				"Wijzigingen worden niet of te laat gecommuniceerd.",
				"De afdelingen weten onderling niet van elkaar wat ze doen.",
				"Toezeggingen worden niet nagekomen en we krijgen geen terugkoppeling.",
			},
			en: []string{
				"We only hear that something is wrong when we ask ourselves.",
				"Changes are communicated late or not at all.",
				"Promises are not kept and we get no feedback.",
			},
		},
		fixed: phrases{
			nl: []string{
				"Goed dat jullie na het onderzoek van vorig jaar echt met ons in gesprek zijn gegaan.",
				"We krijgen nu regelmatig een update over de voortgang van de verbeterpunten.",
				"Het voelt alsof er nu echt naar ons geluisterd wordt.",
				"De verbeteringen die we vorig jaar samen hebben afgesproken, zijn ook echt doorgevoerd.",
			},
			en: []string{
				"Good that you really sat down with us after last year's survey.",
				"We now get regular updates on the progress of the improvements.",
				"It feels like we are really being listened to now.",
			},
		},
	},
	themeManager: {
		praise: phrases{
			nl: []string{
				"{am} denkt echt met ons mee en kent onze organisatie goed.",
				"Onze accountmanager {am} is altijd bereikbaar en komt afspraken na.",
				"Fijn contact met {am}, die zelf met verbeteringen komt.",
				"{am} weet precies wat er bij ons speelt.",
			},
			en: []string{
				"{am} really thinks along with us and knows our organisation well.",
				"Our account manager {am} is always available and keeps promises.",
			},
		},
		complaint: phrases{
			nl: []string{
				"We hebben in een jaar drie verschillende accountmanagers gehad.",
				"Onze accountmanager is nauwelijks bereikbaar en belt niet terug.",
				"Er is geen vast aanspreekpunt; elke keer moeten we ons verhaal opnieuw vertellen.",
				"De accountmanager komt alleen langs als er iets verkocht moet worden.",
			},
			en: []string{
				"We had three different account managers in one year.",
				"There is no fixed point of contact; every time we have to explain everything again.",
			},
		},
		fixed: phrases{
			nl: []string{
				"Sinds we een vaste accountmanager hebben ({am}) loopt alles veel soepeler.",
				"{am} heeft samen met ons een verbeterplan gemaakt en houdt ons elk kwartaal op de hoogte.",
				"Eindelijk één aanspreekpunt: {am} pakt alles op.",
			},
			en: []string{
				"Since we have a fixed account manager ({am}) everything runs much more smoothly.",
				"{am} drew up an improvement plan with us and updates us every quarter.",
			},
		},
	},
	themeInvoicing: {
		praise: phrases{
			nl: []string{
				"Facturen zijn duidelijk en kloppen.",
				"De administratie is goed op orde.",
			},
			en: []string{"Invoices are clear and correct."},
		},
		complaint: phrases{
			nl: []string{
				"De facturen kloppen regelmatig niet en het corrigeren duurt maanden.",
				"Facturen zijn onduidelijk; we kunnen niet zien waarvoor we betalen.",
				"Dubbele facturen en creditnota's die maar niet komen.",
			},
			en: []string{
				"Invoices are often wrong and corrections take months.",
				"The invoices are unclear; we cannot see what we are paying for.",
			},
		},
		fixed: phrases{
			nl: []string{
				"De facturen kloppen nu eindelijk, daar was vorig jaar veel over te doen.",
				"Fijn dat de facturatie op orde is; geen gedoe meer met correcties.",
			},
			en: []string{"The invoices are finally correct, which was a real issue last year."},
		},
	},
	themeOnboarding: {
		praise: phrases{
			nl: []string{
				"De overstap naar jullie verliep soepel en volgens planning.",
				"Goede begeleiding bij de start.",
				"De implementatie was goed voorbereid.",
			},
			en: []string{
				"The switch to you went smoothly and to plan.",
				"Good guidance during the start.",
			},
		},
		complaint: phrases{
			nl: []string{
				"De implementatie liep maanden uit.",
				"De overstap ging rommelig; niemand wist wie wat deed.",
				"Nieuwe collega's van ons krijgen pas na weken toegang tot de systemen.",
			},
			en: []string{
				"The implementation ran months late.",
				"The transition was messy; nobody knew who was doing what.",
			},
		},
	},
	themeReliability: {
		praise: phrases{
			nl: []string{
				"Alles werkt gewoon, daar hoeven we ons geen zorgen over te maken.",
				"Betrouwbare partner: afspraak is afspraak.",
				"In al die jaren nauwelijks storingen gehad.",
			},
			en: []string{
				"Everything just works; we never have to worry about it.",
				"A reliable partner: a deal is a deal.",
			},
		},
		complaint: phrases{
			nl: []string{
				"Te vaak storingen, en dan duurt het lang voordat het is opgelost.",
				"Afspraken worden regelmatig verzet.",
				"De technicus komt vaak niet op de afgesproken tijd.",
			},
			en: []string{
				"Too many outages, and then it takes ages to fix them.",
				"Appointments are moved all the time.",
			},
		},
	},
}

// waits are the waiting times complaints mention.
var waits = phrases{
	nl: []string{"twee dagen", "drie dagen", "een week", "ruim een week", "wel twee weken"},
	en: []string{"two days", "three days", "a week", "more than a week", "up to two weeks"},
}

// Openers, closers and short comments per category, in each language.
// Openers and closers may be empty: many comments have neither.
var (
	openers = map[nps.Category]phrases{
		nps.Promoter: {
			nl: []string{"", "", "", "Prima samenwerking.", "Zeer tevreden.", "Top!", "Al jaren een fijne partner.", "Prettige samenwerking."},
			en: []string{"", "", "Great partner.", "Very satisfied."},
		},
		nps.Passive: {
			nl: []string{"", "", "Over het algemeen tevreden.", "Redelijk.", "Prima, maar het kan beter."},
			en: []string{"", "", "Generally satisfied.", "Fine, but it could be better."},
		},
		nps.Detractor: {
			nl: []string{"", "", "", "Teleurgesteld.", "Het wordt er niet beter op.", "Eerlijk gezegd valt het tegen."},
			en: []string{"", "", "Disappointed.", "Honestly, it is not good enough."},
		},
	}
	closers = map[nps.Category]phrases{
		nps.Promoter: {
			nl: []string{"", "", "", "Ga zo door!", "Zeker een aanrader.", "We bevelen jullie regelmatig aan bij collega's."},
			en: []string{"", "", "Keep it up!", "Definitely recommended."},
		},
		nps.Passive: {
			nl: []string{"", "", "", "Met een paar kleine verbeteringen wordt het een 9.", "Er zit meer in."},
			en: []string{"", "", "A few small improvements and it would be a 9."},
		},
		nps.Detractor: {
			nl: []string{"", "", "", "Als dit niet verbetert, gaan we rondkijken.", "Graag een gesprek hierover.", "Jammer, want de mensen zelf zijn aardig."},
			en: []string{"", "", "If this does not improve, we will look elsewhere.", "We would like to discuss this."},
		},
	}
	shorts = map[nps.Category]phrases{
		nps.Promoter:  {nl: []string{"Top!", "Prima service.", "Niets op aan te merken.", "Altijd goed geholpen."}, en: []string{"Excellent service.", "Always helpful."}},
		nps.Passive:   {nl: []string{"Gaat prima.", "Redelijk tevreden.", "Geen klachten, maar ook niet bijzonder."}, en: []string{"It is fine.", "No complaints, nothing special either."}},
		nps.Detractor: {nl: []string{"Slechte service.", "Het moet echt beter.", "Veel beloven, weinig waarmaken."}, en: []string{"Poor service.", "Needs to improve."}},
	}
	// repeated is what a detractor adds who said the same the year before.
	repeated = phrases{
		nl: []string{"Dit hebben we vorig jaar ook al aangegeven.", "Er is sinds het vorige onderzoek niets veranderd."},
		en: []string{"We said the same last year."},
	}
	// buts join praise and a complaint in a passive's comment.
	buts = phrases{nl: []string{"Maar", "Wel jammer:", "Punt van aandacht:"}, en: []string{"But", "However,", "One downside:"}}
)
