package text

import "strings"

// lexGroup is a set of words of one sentiment weight. Words are listed in
// their common inflections and matched on their stems, so unlisted
// inflections of the same stem count too. Words joined by "_" form a phrase
// whose weight replaces the weights of its words; a phrase of weight 0
// neutralises them ("geen idee"). A word marked "=" counts in exactly that
// form, for words whose stem is a neutral word ("useful" stems to "use").
type lexGroup struct {
	weight float32
	words  string
}

// The lexicon is written for what B2B customers say about a supplier: the
// service, the people, the product, the price and the invoices. Weights run
// from ±0.3 (a hint of tone) to ±2 (superlatives and outrage); the phrases
// of weight 0 are the usual ways of having nothing to say.
var dutchLexicon = []lexGroup{
	{2, `uitstekend uitstekende fantastisch fantastische geweldig geweldige perfect perfecte
uitmuntend uitmuntende voortreffelijk subliem fenomenaal briljant excellent topklasse feilloos
vlekkeloos probleemloos heerlijk petje_af dik_tevreden goud_waard`},
	{1.5, `top toppie topper toppers tevreden tevredenheid aanrader aanraders aanbevelen aanraden
complimenten compliment enthousiast blij dolblij beste super geen_klagen`},
	{1.2, `prima fijn fijne behulpzaam behulpzame`},
	{1, `goed goede mooi mooie prettig prettige plezierig plezierige aangenaam keurig keurige
vriendelijk vriendelijke klantvriendelijk hulpvaardig attent betrokken betrokkenheid vakkundig
vakkundige deskundig deskundige kundig kundige betrouwbaar betrouwbare flexibel flexibele soepel
soepele efficient efficiente proactief proactieve meedenkend meedenkers oplossingsgericht klantgericht
zorgvuldig zorgvuldige eerlijk eerlijke waardeer waarderen gewaardeerd waardering lekker lekkere
leuk leuke gezellig gezellige tof =gaaf succes succesvol positief positieve ontzorgen ontzorgd
loyaal waardevol waardevolle bedankt dank dankjewel dankuwel goud zorgeloos vakwerk
gebruiksvriendelijk gebruiksvriendelijke`},
	{0.8, `netjes professioneel professionele vlot vlotte overzichtelijk overzichtelijke handig handige
intuitief intuitieve nauwkeurig nauwkeurige accuraat transparant sterk sterke bijzonder bereid
=betaalbaar nuttig leerzaam`},
	{0.5, `snel snelle beter duidelijk duidelijke helder heldere makkelijk gemakkelijk eenvoudig
eenvoudige logisch logischer degelijk degelijke correct correcte strak =vers =verse =meteen op_tijd
opgelost geholpen waard meedenken vertrouwen geleerd scherp scherpe concurrerend
acceptabel klopt kloppen klopte dankzij verbeterd op_de_hoogte`},
	{0.3, `redelijk redelijke goedkoop voldoende adequaat`},
	{0, `geen_opmerkingen geen_opmerking geen_commentaar geen_idee weet_ik_niet weet_niet nooit_zon`},
	{-0.3, `wachten duurt`},
	{-0.5, `prijzig fors lastig moeilijk wisselend wisselt storing storingen krap gewacht twijfel
verbeterpunt verbeterpunten duurder puzzel in_de_wacht wachttijd wachttijden verhoogd verhoging
verhogingen zou_fijn_zijn`},
	{-0.8, `probleem problemen fout fouten foute foutje foutjes duur dure ingewikkeld gebrek kwijt
vergeten mis misgegaan helaas vertraging vertragingen vaag achterstand klagen niemand
prijsverhoging prijsverhogingen tariefverhoging aan_de_hoge_kant aan_de_dure_kant`},
	{-1, `matig matige jammer vervelend vervelende klacht klachten foutief foutieve langzaam onduidelijk
onduidelijke moeizaam stroef star starre bureaucratisch rommelig chaotisch kapot defect gebrekkig
gebrekkige onvoldoende tegenvallend tegenvaller zwak zwakke verkeerd verkeerde kwijtgeraakt opgezegd
opzeggen irritatie ergernis onhandig onmogelijk onderbemand eindeloos gedoe hinderlijk storend tekort
valt_tegen viel_tegen vallen_tegen vielen_tegen`},
	{-1.2, `traag trage omslachtig omslachtige slordig slordige ergerlijk`},
	{-1.5, `slecht slechte slechter slechtst slechtste teleurgesteld teleurstellend teleurstellende
teleurstelling ontevreden ontevredenheid boos irritant irritante frustrerend frustrerende frustratie
onbetrouwbaar onprofessioneel onvriendelijk onvriendelijke onbereikbaar ondermaats incompetent
onkundig amateuristisch nalatig genegeerd afgescheept ramp drama chaos rommeltje zooitje nooit_meer
onder_de_maat kastje_naar_de_muur`},
	{-2, `waardeloos waardeloze schandalig belachelijk verschrikkelijk vreselijk rampzalig onacceptabel
onaanvaardbaar dramatisch abominabel bedroevend onbeschoft woedend puinhoop`},
}

var englishLexicon = []lexGroup{
	{2, `excellent outstanding superb perfect perfectly fantastic amazing awesome wonderful
brilliant stellar terrific phenomenal flawless flawlessly delighted top_notch
above_and_beyond extra_mile breath_of_fresh_air spot_on`},
	{1.5, `great happy satisfied pleased recommend recommended impressive impressed love loved loves
best seamless seamlessly thrilled fabulous super well_done`},
	{1, `good nice pleasant glad friendly helpful efficient reliable
knowledgeable knowledgable competent smooth smoothly intuitive thanks thank appreciate appreciated
enjoy enjoyed accommodating proactive attentive thorough honest trustworthy trusted loyal valuable
=useful painless pleasure positive cool patient top =supportive happier keep_it_up
=responsive =effective =exceptional keep_doing`},
	{0.8, `solid accurate professional professionally flexible stable`},
	{0.5, `fair decent fine easy easier clear quick quickly fast prompt promptly better organised
organized acceptable correct correctly on_time special solve solved resolved =willing expert
in_the_loop up_to_date`},
	{0.3, `=reasonable cheap`},
	{0, `nothing_to_add no_comment no_comments dont_know not_sure`},
	{-0.3, `average wait waiting`},
	{-0.5, `issue issues bug bugs pricey costly strict increase increased increases would_be_nice forever chase waited hard meh
concern concerns on_hold`},
	{-0.8, `problem problems error errors mistake mistakes lack outage outages downtime delay delays
expensive late unfortunately sadly missed outdated vague struggle struggling complicated nobody
difficult price_increase on_the_high_side on_the_expensive_side`},
	{-1, `slow slowly worse wrong broken broke fail failed fails failure lacking unclear confusing
rigid inflexible bureaucratic messy mediocre complaint complaints complain crash crashing crashes
crashed damaged faulty defective delayed shame pity tired pain hassle incorrect incorrectly
inconsistent fault blame maze impossible stretched_thin get_what_you_pay_for`},
	{-1.2, `cumbersome clunky sloppy buggy painful chaotic annoyed annoying`},
	{-1.5, `bad poor poorly disappointing disappointed disappointment unhappy dissatisfied frustrating
frustrated rude unfriendly unhelpful unprofessional unreliable unresponsive inadequate mess chaos
lousy ridiculous angry upset incompetent overpriced waste wasted ignored ignoring avoid never_again
fed_up`},
	{-2, `terrible awful horrible dreadful worst useless unacceptable appalling abysmal atrocious
disgraceful shocking pathetic nightmare disaster`},
}

// lexPhrase is a multi-word lexicon entry after its first stem.
type lexPhrase struct {
	rest   []string
	weight float32
}

// lexicon is one language's sentiment lexicon keyed by the stems of its
// stemmer.
type lexicon struct {
	words   map[string]float32
	phrases map[string][]lexPhrase // by first stem
}

var lexicons = [2]lexicon{buildLexicon(Dutch, dutchLexicon), buildLexicon(English, englishLexicon)}

func buildLexicon(lang Lang, groups []lexGroup) lexicon {
	lx := lexicon{words: make(map[string]float32, 600), phrases: make(map[string][]lexPhrase)}
	for _, g := range groups {
		for _, w := range strings.Fields(g.words) {
			if strings.HasPrefix(w, "=") {
				continue // weighed by form, in wordTable
			}
			parts := strings.Split(w, "_")
			stems := make([]string, len(parts))
			for i, p := range parts {
				stems[i] = stemWord(lang, p)
			}
			if len(stems) == 1 {
				lx.words[stems[0]] = g.weight
				continue
			}
			lx.phrases[stems[0]] = append(lx.phrases[stems[0]], lexPhrase{rest: stems[1:], weight: g.weight})
		}
	}
	return lx
}
