package demo

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/promotor/promotor/internal/nps"
)

// The demo company. Miranda is the marketer of the second seed article;
// her company is invented.
const (
	companyName  = "Brugwerk Zakelijke Diensten"
	companyShort = "Brugwerk"
	// accountCount is the number of customers: a B2B customer base small
	// enough that every customer counts, as in the article.
	accountCount = 150
)

// The account attributes beyond the built-in segments.
const (
	attrSince    = "klant sinds"
	attrContract = "contract"
	attrProvince = "provincie"
	attrFunction = "functie"
)

// today is the moment a plan describes, before At moves it: a Friday, the
// third week of the third yearly measurement.
var today = time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)

// staff are the demo company's Promotor users: Miranda, who signs in; an
// analyst; and the account managers, one or two per region. The emails
// use the reserved .test domain, so they can never reach anyone.
var staff = []User{
	{Email: "miranda@demo.promotor.test", Name: "Miranda Verhoeven", Role: nps.RoleOwner},
	{Email: "joost@demo.promotor.test", Name: "Joost Dekker", Role: nps.RoleAnalyst},
	{Email: "pieter@demo.promotor.test", Name: "Pieter Bakker", Role: nps.RoleMember, Region: "Randstad"},
	{Email: "sanne@demo.promotor.test", Name: "Sanne de Groot", Role: nps.RoleMember, Region: "Randstad"},
	{Email: "lotte@demo.promotor.test", Name: "Lotte Hoekstra", Role: nps.RoleMember, Region: "Noord"},
	{Email: "daan@demo.promotor.test", Name: "Daan Visser", Role: nps.RoleMember, Region: "Oost"},
	{Email: "fatima@demo.promotor.test", Name: "Fatima El Amrani", Role: nps.RoleMember, Region: "Zuid"},
}

// Build returns the demo plan for a seed; the same seed gives the same
// plan.
func Build(seed int64) Plan {
	g := &generator{seed: seed}
	p := Plan{
		Seed:      seed,
		Workspace: nps.Workspace{Slug: Slug, Name: companyName, FatigueDays: 90},
		Users:     append([]User(nil), staff...),
		Password:  password(g.rand("password")),
		Survey:    survey(),
		Today:     today,
	}
	p.Accounts = g.accounts(p.Users)
	p.Contacts = g.contacts(p.Accounts)
	p.Waves = g.waves(&p)
	g.revenue(&p)
	p.Referrals = g.referrals(&p)
	p.Plans = g.plans(&p)
	return p
}

// generator holds what Build decides but the plan does not show: how
// satisfied and how responsive each account and contact is.
type generator struct {
	seed          int64
	accountTraits []trait
	contactTraits []trait
	// critical holds the accounts with a detractor in the middle wave,
	// with the time of their last such answer: the ones the company
	// made improvement plans with.
	critical map[int]time.Time
}

// trait is an account's or contact's hidden disposition.
type trait struct {
	// satisfaction is a latent score; the higher, the better the
	// respondent's category within a wave.
	satisfaction float64
	// engagement weighs the chance of answering at all.
	engagement float64
}

// rand returns the random stream of one part of the plan. Each part has
// its own stream, so that changing how one part is made leaves the others
// as they were.
func (g *generator) rand(part string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(part))
	return rand.New(rand.NewPCG(uint64(g.seed), h.Sum64()))
}

// password returns a passphrase of Dutch words and a number, at least 18
// characters: easy to type off a terminal.
func password(r *rand.Rand) string {
	parts := make([]string, 0, 5)
	for range 4 {
		parts = append(parts, pick(r, passwordWords))
	}
	parts = append(parts, strconv.Itoa(10+r.IntN(90)))
	return strings.Join(parts, "-")
}

func survey() nps.Survey {
	return nps.Survey{
		Name:            "Klanttevredenheid",
		DefaultLanguage: "nl",
		Questions:       nps.Questions{Retention: true, Permission: true},
		Texts: map[string]nps.SurveyText{
			"nl": {
				Question: "Hoe waarschijnlijk is het dat u " + companyShort + " zou aanbevelen aan een collega of zakenrelatie?",
				FollowUp: nps.FollowUp{
					Promoter:  "Fijn om te horen! Wat waardeert u het meest aan onze dienstverlening?",
					Passive:   "Wat kunnen wij verbeteren om een 9 of 10 te verdienen?",
					Detractor: "Wat moeten wij volgens u als eerste verbeteren?",
				},
				Retention:  "Overweegt u om binnen 12 maanden zaken te doen met een concurrent van " + companyShort + "?",
				Permission: "Mogen wij contact met u opnemen over uw antwoord?",
			},
			"en": {
				Question: "How likely is it that you would recommend " + companyShort + " to a colleague or business relation?",
				FollowUp: nps.FollowUp{
					Promoter:  "Great to hear! What do you value most in our services?",
					Passive:   "What could we improve to earn a 9 or 10?",
					Detractor: "What should we improve first?",
				},
				Retention:  "Are you considering doing business with a competitor of " + companyShort + " within the next 12 months?",
				Permission: "May we contact you about your answer?",
			},
		},
	}
}

// accounts makes the customers, each owned by an account manager of its
// region, and their hidden traits.
func (g *generator) accounts(users []User) []Account {
	r := g.rand("accounts")
	accounts := make([]Account, 0, accountCount)
	g.accountTraits = make([]trait, 0, accountCount)
	names := map[string]bool{}
	externalID := 10000 + r.IntN(2000)
	for range accountCount {
		ind := industries[weighted(r, len(industries), func(i int) float64 { return float64(industries[i].weight) })]
		size := weighted(r, len(sizes), func(i int) float64 { return float64(ind.sizes[i]) })
		prov := provinces[weighted(r, len(provinces), func(i int) float64 { return float64(provinces[i].weight) })]
		name := companyNameFor(r, ind, names)
		externalID += 1 + r.IntN(40)

		// Revenue is log-normal around the size's median: a few large
		// customers bring much of it, as in every B2B base.
		euros := sizes[size].medianEuros * math.Exp(0.55*r.NormFloat64())
		cents := int64(math.Round(euros/100)) * 100 * 100

		firstWave, since := 0, 2008+r.IntN(16)
		switch x := r.Float64(); {
		case x < 0.07:
			firstWave, since = 2, 2025
		case x < 0.15:
			firstWave, since = 1, 2024
		}
		accounts = append(accounts, Account{
			Account: nps.Account{
				ExternalID: "CRM-" + strconv.Itoa(externalID),
				Name:       name,
				Industry:   ind.name,
				Region:     prov.region,
				Size:       sizes[size].name,
				Attributes: map[string]string{
					attrSince:    strconv.Itoa(since),
					attrContract: contract(r, size),
					attrProvince: prov.name,
				},
				AnnualRevenueCents: cents,
				Status:             nps.AccountActive,
			},
			Owner:     accountManager(r, users, prov.region),
			Domain:    domainOf(name),
			FirstWave: firstWave,
		})
		t := trait{satisfaction: r.NormFloat64() + ind.mood, engagement: 0.5 + r.Float64()}
		if r.Float64() < 0.08 {
			// Silent accounts hardly ever answer: a risk of their own.
			t.engagement = 0.05
		}
		g.accountTraits = append(g.accountTraits, t)
	}
	return accounts
}

// companyNameFor returns a name for a company of the industry that no
// other account has.
func companyNameFor(r *rand.Rand, ind industry, taken map[string]bool) string {
	for {
		name := pick(r, ind.names)
		name = strings.ReplaceAll(name, "{s}", titleSurname(pick(r, dutchSurnames)))
		name = strings.ReplaceAll(name, "{p}", pick(r, places))
		name = strings.ReplaceAll(name, "{w}", pick(r, words))
		if !taken[name] {
			taken[name] = true
			return name
		}
	}
}

// titleSurname capitalises a surname as it stands at the start of a
// company name ("Van der Meer Transport").
func titleSurname(s string) string {
	first, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(first)) + s[n:]
}

// contract picks the service contract, richer for larger customers.
func contract(r *rand.Rand, size int) string {
	weights := [3][3]float64{{60, 35, 5}, {30, 50, 20}, {10, 40, 50}}[size]
	return [3]string{"Basis", "Plus", "Premium"}[weighted(r, 3, func(i int) float64 { return weights[i] })]
}

// accountManager picks one of the region's account managers.
func accountManager(r *rand.Rand, users []User, region string) int {
	var managers []int
	for i, u := range users {
		if u.Region == region {
			managers = append(managers, i)
		}
	}
	return pick(r, managers)
}

// domainOf derives the company's email domain from its name, under the
// reserved .example top-level domain: a demo can never mail a real
// company, even when someone points it at a real mail server.
func domainOf(name string) string {
	var b strings.Builder
	for _, c := range asciiFold(strings.ToLower(name)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String() + ".example"
}

// asciiFold replaces the accented letters of Dutch and Turkish names by
// their base letters, as email addresses write them.
func asciiFold(s string) string {
	return strings.NewReplacer("é", "e", "ë", "e", "è", "e", "ï", "i", "ö", "o", "ü", "u", "ç", "c", "ş", "s", "ğ", "g", "ı", "i").Replace(s)
}

// contacts makes the people at each account, and their hidden traits.
func (g *generator) contacts(accounts []Account) []Contact {
	r := g.rand("contacts")
	var contacts []Contact
	emails := map[string]bool{}
	for ai, a := range accounts {
		size := sizeIndex(a.Size)
		n := sizes[size].minContacts + r.IntN(sizes[size].maxContacts-sizes[size].minContacts+1)
		// Each company writes its addresses one way.
		style := r.IntN(3)
		if size > 0 && style == 2 {
			style = 0
		}
		englishShare := 0.08
		if a.Industry == "ICT" || a.Industry == "Logistiek" {
			englishShare = 0.25
		}
		funcs := r.Perm(len(functions))
		for ci := range n {
			first, last, lang := pick(r, dutchFirstNames), pick(r, dutchSurnames), "nl"
			if r.Float64() < englishShare {
				first, last, lang = pick(r, englishFirstNames), pick(r, englishSurnames), "en"
			}
			firstWave := a.FirstWave
			if ci > 0 && r.Float64() < 0.12 {
				// A newer colleague, invited from a later wave on.
				firstWave = min(a.FirstWave+1+r.IntN(2), len(waveSpecs)-1)
			}
			contacts = append(contacts, Contact{
				Contact: nps.Contact{
					Email:      uniqueEmail(emails, emailLocal(style, first, last), a.Domain),
					Name:       first + " " + last,
					Language:   lang,
					Attributes: map[string]string{attrFunction: functions[funcs[ci%len(funcs)]]},
				},
				Account:   ai,
				FirstWave: firstWave,
			})
			g.contactTraits = append(g.contactTraits, trait{satisfaction: 0.5 * r.NormFloat64(), engagement: 0.5 + r.Float64()})
		}
	}
	return contacts
}

func sizeIndex(name string) int {
	for i, s := range sizes {
		if s.name == name {
			return i
		}
	}
	panic(fmt.Sprintf("demo: unknown size %q", name))
}

// emailLocal writes a person's mailbox name in one of three company
// styles: jan.devries, j.devries or jan.
func emailLocal(style int, first, last string) string {
	clean := func(s string) string {
		var b strings.Builder
		for _, c := range asciiFold(strings.ToLower(s)) {
			if c >= 'a' && c <= 'z' {
				b.WriteRune(c)
			}
		}
		return b.String()
	}
	f, l := clean(first), clean(last)
	switch style {
	case 1:
		return f[:1] + "." + l
	case 2:
		return f
	}
	return f + "." + l
}

// uniqueEmail returns local@domain, numbered when a namesake has it.
func uniqueEmail(taken map[string]bool, local, domain string) string {
	email := local + "@" + domain
	for i := 2; taken[email]; i++ {
		email = local + strconv.Itoa(i) + "@" + domain
	}
	taken[email] = true
	return email
}

// pick returns a random element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// weighted returns an index from 0 to n−1 with probability proportional
// to weight(i).
func weighted(r *rand.Rand, n int, weight func(int) float64) int {
	var total float64
	for i := range n {
		total += weight(i)
	}
	x := r.Float64() * total
	for i := range n {
		if x -= weight(i); x < 0 {
			return i
		}
	}
	return n - 1
}
