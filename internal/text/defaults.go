package text

import "strings"

// DefaultThemes returns the default taxonomy for B2B services: twelve
// themes with Dutch and English names and keywords. Each call returns a
// fresh copy that the caller may change.
func DefaultThemes() []Theme {
	themes := make([]Theme, len(defaultThemes))
	for i, d := range defaultThemes {
		themes[i] = Theme{
			Key:  d.key,
			Name: map[Lang]string{Dutch: d.nl, English: d.en},
			Keywords: map[Lang][]string{
				Dutch:   splitKeywords(d.nlKeywords),
				English: splitKeywords(d.enKeywords),
			},
		}
	}
	return themes
}

// splitKeywords reads a list of keywords separated by commas.
func splitKeywords(s string) []string {
	var kws []string
	for _, kw := range strings.Split(s, ",") {
		if kw = strings.TrimSpace(kw); kw != "" {
			kws = append(kws, kw)
		}
	}
	return kws
}

// The default themes. Keywords are the vocabulary a customer uses for the
// theme, not the exact phrases of any comment; words that mostly mean
// something else in feedback ("service", "duidelijk", "problem") are left
// out, because one frequent false match costs more than a rare miss.
var defaultThemes = []struct {
	key, nl, en            string
	nlKeywords, enKeywords string
}{
	{
		key: "response-time", nl: "Reactiesnelheid", en: "Response time",
		nlKeywords: `reactie*, reag*, responstijd, antwoord, antwoorden, snel, snelle,
			sneller, snelheid, vlot, vlotte, traag, trage, langzaam, wachten, wacht, gewacht, wachttijd,
			wachtrij, duurt, duurde, doorlooptijd, doorlooptijden, doorloop*,
			bereikbaar*, bereiken, onbereikbaar, terugbel*, teruggebeld, belt terug, bellen terug,
			opgepakt, oppakken, pakken op, pakt op, per omgaande, binnen het uur, binnen uur,
			direct geholpen, meteen geholpen, blijven liggen, blijft liggen, bleef liggen,
			laat op zich wachten, voicemail, in de wacht, opvolging`,
		enKeywords: `response, responses, respond, responded, responding, responsive, unresponsive,
			responsiveness, response time, reply, replies, replied, answer, answered, answers, quick,
			quickly, quicker, fast, faster, fastest, swift, swiftly, prompt, promptly, slow, slowly,
			slower, wait, waited, waiting, on hold, delay, delays, delayed, turnaround,
			get back to, got back to, gets back to, get hold of, reach, reached, reachable, unreachable,
			call back, called back, callback, takes forever, took forever, forever, took ages, takes ages,
			ages to, within minutes, within the hour, within hours, same day, voicemail, ignored,
			follow up, follow-up, speed, speedy, pick up the phone, picks up the phone,
			answer the phone, answers the phone`,
	},
	{
		key: "expertise", nl: "Deskundigheid", en: "Expertise",
		nlKeywords: `deskundig*, kennis, vakkennis, vakkundig*, kundig, kundige, onkundig*, expertise,
			expert*, specialist*, professioneel, professionele, professionaliteit, onprofessioneel,
			competent, competentie, incompetent, vakmanschap, vakman, vakmensen, ervaren mensen,
			onervaren, inhoudelijk, advies, adviezen, adviseren, adviseur, adviseurs, know-how, knowhow,
			amateuristisch, weten waar ze het over hebben, weten wat ze doen, weet wat ze doet,
			weet wat hij doet, kennis van zaken, branche, branchekennis, consultant, consultants,
			bekwaam, capabel, technische kennis, goed opgeleid`,
		enKeywords: `expertise, expert*, knowledge, knowledgeable, knowledgable, know-how, skill*,
			competent, competence, incompetent, professional, professionals, professionalism,
			professionally, unprofessional, experienced, inexperienced, specialist*, capable,
			qualified, clueless, amateur*, advice, advise, advisor, advisors, adviser, consultant,
			consultants, know what they are talking about, know what they're talking about,
			know their stuff, knows their stuff, know what they are doing, know what they're doing,
			understand our business, understands our business, technical team, technical knowledge,
			in-depth, savvy, juniors, junior`,
	},
	{
		key: "price", nl: "Prijs", en: "Price",
		nlKeywords: `prijs, prijzen, prijs*, prijzig, kosten, kostprijs, tarief, tarieven, uurtarief,
			uurtarieven, dagtarief, duur, dure, duurder, goedkoop, goedkope, goedkoper, betaalbaar*,
			onbetaalbaar*, korting, kortingen, offerte, offertes, geld, waar voor je geld, euro,
			abonnementskosten, meerprijs, meerwerk, prijs-kwaliteit, prijs-kwaliteitverhouding,
			concurrerend, kostbaar`,
		enKeywords: `price, prices, price*, pricing, pricey, cost, costs, costly, expensive, cheap, cheaper,
			cheapest, affordable, fee, fees, rates, hourly rate, day rate, discount*, overpriced,
			value for money, money, worth the money, tariff`,
	},
	{
		key: "communication", nl: "Communicatie", en: "Communication",
		nlKeywords: `communic*, op de hoogte, informeren, geinformeerd, informatie, informeert,
			terugkoppeling, uitleg, uitleggen, leggen uit, legt uit, toelichting, luisteren, luistert,
			luisterden, geluisterd, proactief, proactieve, update, updates, rapportage, rapportages,
			aankondiging, aangekondigd, melding, meldingen, onduidelijk*, berichtgeving,
			transparant*, van zich horen, niets gehoord, nooit gehoord, horen pas, afstemming,
			to the point, nieuwsbrief`,
		enKeywords: `communicat*, informed, inform, information, uninformed, updates, update, updated us,
			kept up to date, keep us up to date, keeps us up to date, in the loop, listen, listens,
			listened, listening, explain, explained, explains, explaining, explanation, clarity,
			unclear, transparent, transparency, proactive, proactively, reporting*,
			warned, warn, heads up, heard back, never heard, hear back, tell us, told us, keep us posted,
			newsletter, notify, notified, notification, notifications`,
	},
	{
		key: "account-manager", nl: "Accountmanager", en: "Account manager",
		nlKeywords: `accountman*, account manager, accountmanagement, accountbeheerder, accounthouder,
			contactpersoon, contactpersonen, vaste contactpersoon, aanspreekpunt, vast aanspreekpunt,
			relatiebeheerder, relatiemanager, klantmanager, vaste adviseur, vaste accountant,
			vaste accountmanager, dezelfde persoon, vaste persoon`,
		enKeywords: `account manager, account managers, account management, account rep,
			account executive, key account, contact person, point of contact, dedicated contact,
			relationship manager, customer success manager, account team, our rep`,
	},
	{
		key: "product-quality", nl: "Productkwaliteit", en: "Product quality",
		nlKeywords: `kwaliteit, kwalitatief, productkwaliteit, werkkwaliteit, slordig, slordige,
			fout, fouten, foutjes, foutief, foutieve, gebrek*, defect, defecten, kapot, beschadigd,
			afwerking, degelijk, degelijke, werk, product, producten, bug, bugs, vastlopen, loopt vast,
			liep vast, lopen vast, crasht, verouderd, resultaat, eindresultaat, opgeleverd werk,
			doet wat het moet doen, doet wat het belooft, tool, nauwkeurig, zorgvuldig, vakwerk`,
		enKeywords: `quality, poor quality, high quality, defect*, faulty, flaw*, bug, bugs, buggy,
			glitch*, sloppy, craftsmanship, workmanship, work, works, product, products,
			deliverable*, accurate, accuracy, inaccurate, thorough, broken, broke, crash*, damaged,
			outdated, wrong items, wrong item, does what it says, attention to detail,
			get what you pay for, errors in, mistakes in, tool`,
	},
	{
		key: "invoicing", nl: "Facturatie", en: "Invoicing",
		nlKeywords: `factu*, gefactureerd, rekening, rekeningen, betaling*, betaaltermijn,
			betaaltermijnen, betalingstermijn, betalingstermijnen, betalingsvoorwaarden, creditnota,
			creditnota's, creditfactuur, aanmaning, aanmaningen, incasso, declaratie, declaraties,
			gedeclareerd, nota, dubbel gefactureerd`,
		enKeywords: `invoic*, billing, bill, bills, billed, payment, payments, payment terms,
			credit note, credit notes, credit memo, overcharged, double charged, charged twice,
			charged us, direct debit, purchase order, statement of account`,
	},
	{
		key: "onboarding", nl: "Onboarding", en: "Onboarding",
		nlKeywords: `onboarding, implementatie, implementaties, implementeren, geimplementeerd,
			migratie, migraties, migreren, gemigreerd, overstap*, overgang, ingebruikname, installatie,
			geinstalleerd, inrichting, inrichten, ingericht, opstart*, inwerk*, ingewerkt, training,
			trainingen, cursus, opleiding, livegang, live, kick-off, kickoff, aan de slag,
			bij de start, nieuwe systeem, nieuw systeem, nieuwe pakket`,
		enKeywords: `onboarding, onboard, implementation, implement, implemented, implementing,
			migration, migrate, migrated, migrating, setup, set up, setting up, getting started,
			get started, go live, go-live, went live, going live, kick-off, kickoff, installation,
			install, installed, training, trained, train, transition, switch over, rollout, roll-out,
			at the start, new system`,
	},
	{
		key: "reliability", nl: "Betrouwbaarheid", en: "Reliability",
		nlKeywords: `betrouwbaar, betrouwbare, betrouwbaarheid, onbetrouwbaar, afspraak, afspraken,
			afgesproken, nakomen, nagekomen, komen na, komt na, belofte, beloftes, beloofd, beloven,
			belooft, toezegging, toezeggingen, toegezegd, deadline*, op tijd, te laat, storing,
			storingen, uitval, valt uit, viel uit, vallen uit, plat, uptime, beschikbaarheid, stabiel,
			stabiliteit, instabiel, sla, opdagen, leverbetrouwbaarheid, gehaald, houden zich aan,
			waar maken, waarmaken, levertijd, levertijden, leverbetrouwbaarheid`,
		enKeywords: `reliable, reliability, unreliable, dependable, dependability, promise*,
			broken promises, as agreed, agreed, agreement, agreements, deadline*, on time, on schedule,
			on budget, late, outage*, downtime, uptime, stable, stability, unstable, trustworthy, commitments, committed to, follow through, no-show, sla, slas,
			went down, goes down, keep their word, kept their word, do what they say, lead time,
			lead times`,
	},
	{
		key: "support", nl: "Klantenservice", en: "Customer support",
		nlKeywords: `klantenservice, klantendienst, helpdesk, servicedesk, supportafdeling,
			supportdesk, ondersteuning, ticket, tickets, ticketsysteem, support, geholpen, behulpzaam,
			behulpzame, hulpvaardig, hulpvaardige, opgelost, lost op, lossen op,
			doorverbonden, doorverbinden, storingsdienst, servicemedewerker, servicemedewerkers,
			supportmedewerker, supportmedewerkers, klantcontact`,
		enKeywords: `support, customer support, customer service, helpdesk, help desk, service desk,
			servicedesk, ticket*, support team, support staff, helpful*, unhelpful,
			troubleshoot*, hotline, call center, call centre, fixed, fixing, fix, solve, solved,
			solving, resolve, resolved, sorted out, sort out, customer service reps, support line,
			support portal`,
	},
	{
		key: "ease-of-use", nl: "Gebruiksgemak", en: "Ease of use",
		nlKeywords: `gebruiksvriendelijk*, gebruiksgemak, gebruiksvriendelijkheid, makkelijk in gebruik,
			eenvoudig in gebruik, intuitief, intuitieve, overzichtelijk*, onoverzichtelijk*, omslachtig, omslachtige, portaal, klantportaal, webportaal, portal, app,
			website, webshop, interface, dashboard, dashboards, bediening, navigatie, klikken, inloggen,
			stroef, prettig werken, werkt prettig, zoekfunctie`,
		enKeywords: `easy to use, ease of use, user-friendly, user friendly, usability, intuitive,
			unintuitive, counterintuitive, cumbersome, clunky, confusing, portal, interface, app,
			website, webshop, dashboard, dashboards, navigate, navigation, self-service, log in,
			login, clicks, user interface, ui, easy to find, hard to find, ordering online`,
	},
	{
		key: "flexibility", nl: "Flexibiliteit", en: "Flexibility",
		nlKeywords: `flexibel, flexibele, flexibiliteit, inflexibel, meedenk*, meegedacht, denkt mee,
			denken mee, dacht mee, dachten mee, denk mee, star, starre, bureaucratisch, bureaucratie,
			maatwerk, wensen, aanpassen, aanpassing, aanpassingen, moeilijk doen, niet moeilijk,
			stapje extra, extra stap, niets is te gek, niks is te gek, niets is te veel,
			niks is te veel, uitzondering, uitzonderingen, coulant, coulance, oplossingsgericht,
			regeltjes, procedures, wendbaar`,
		enKeywords: `flexible, flexibility, inflexible, accommodating, accommodate, think along,
			thinks along, thinking along, extra mile, above and beyond, bend over backwards,
			customis*, customiz*, tailor*, bespoke, rigid,
			bureaucratic, bureaucracy, red tape, adapt*, adjusted, adjust, willing to, willingness,
			special requests, change request, short notice, made it happen, make it happen`,
	},
}
