/*
 * checkin_text.c: the words of check-ins (checkin.h): the check-in page's
 * strings in each supported language, and the reading of SMS replies.
 *
 * Adding a language is adding one row to `langs` (every string given: the
 * table is checked by tests/unit/test_checkin.c) and its reply words to
 * `replies`. English is the fallback and the first row.
 */
#include "core/homeward.h"
#include "crisis/checkin.h"

#include <string.h>
#include <strings.h>

#include "core/strbuf.h"

static const struct checkin_lang langs[] = {
	{ "en", false, {
		[CT_HEADING] = "Check-in",
		[CT_INTRO] = "Your embassy is checking on everyone registered in the affected "
			     "area. Please tell us how you are.",
		[CT_EXERCISE] = "This is an exercise.",
		[CT_SAFE] = "I'm safe",
		[CT_HELP] = "I need help",
		[CT_LEAVE] = "I need to leave",
		[CT_PARTY] = "How many people are with you, yourself included?",
		[CT_NOTE] = "Anything we should know (optional)",
		[CT_LOCATION] = "Share my location",
		[CT_LOCATION_ADDED] = "Location added.",
		[CT_LAST_ANSWER] = "Your last answer:",
		[CT_THANKS] = "Thank you.",
		[CT_RECORDED] = "We have recorded your answer:",
		[CT_HELP_NEXT] = "An officer will contact you as soon as possible. If your life "
				 "is in danger, call the local emergency services.",
		[CT_LEAVE_NEXT] = "We have noted that you need to leave. An officer will "
				  "contact you about the next steps.",
		[CT_CHANGE] = "If your situation changes, you can answer again with the same link.",
		[CT_BACK] = "Back to the check-in page",
		[CT_NOT_FOUND] = "This check-in link is not valid. Please check that you copied "
				 "all of it.",
		[CT_CLOSED] = "This incident is closed; answers are no longer recorded. Contact "
			      "your embassy if you need help.",
		[CT_ERROR] = "Your answer could not be recorded. Please try again in a moment.",
		[CT_BAD_PARTY] = "The number of people must be a whole number from 1 to 999.",
		[CT_BAD_STATUS] = "Please choose one of the three answers.",
		[CT_BAD_NOTE] = "The note is too long: at most 1000 characters.",
		[CT_BAD_LOCATION] = "The location could not be read; send the form without it.",
	} },
	{ "zh", false, {
		[CT_HEADING] = "平安报到",
		[CT_INTRO] = "您的使馆正在联系受影响地区内所有登记的人员。请告诉我们您的情况。",
		[CT_EXERCISE] = "这是一次演习。",
		[CT_SAFE] = "我很安全",
		[CT_HELP] = "我需要帮助",
		[CT_LEAVE] = "我需要撤离",
		[CT_PARTY] = "和您在一起的有几人（包括您自己）？",
		[CT_NOTE] = "需要告诉我们的其他情况（选填）",
		[CT_LOCATION] = "分享我的位置",
		[CT_LOCATION_ADDED] = "已添加位置。",
		[CT_LAST_ANSWER] = "您上次的回答：",
		[CT_THANKS] = "谢谢。",
		[CT_RECORDED] = "我们已记录您的回答：",
		[CT_HELP_NEXT] = "工作人员会尽快与您联系。如有生命危险，请拨打当地紧急求助电话。",
		[CT_LEAVE_NEXT] = "我们已记录您需要离开。工作人员会就后续安排与您联系。",
		[CT_CHANGE] = "如果情况有变，您可以用同一链接再次回答。",
		[CT_BACK] = "返回报到页面",
		[CT_NOT_FOUND] = "此报到链接无效。请确认您复制了完整的链接。",
		[CT_CLOSED] = "此事件已结束，不再记录回答。如需帮助，请联系您的使馆。",
		[CT_ERROR] = "无法记录您的回答。请稍后再试。",
		[CT_BAD_PARTY] = "人数必须是1到999之间的整数。",
		[CT_BAD_STATUS] = "请选择三个回答之一。",
		[CT_BAD_NOTE] = "备注过长：最多1000个字符。",
		[CT_BAD_LOCATION] = "无法读取位置；请不带位置提交。",
	} },
	{ "fr", false, {
		[CT_HEADING] = "Donner de vos nouvelles",
		[CT_INTRO] = "Votre ambassade prend des nouvelles de toutes les personnes inscrites "
			     "dans la zone touchée. Dites-nous comment vous allez.",
		[CT_EXERCISE] = "Ceci est un exercice.",
		[CT_SAFE] = "Je suis en sécurité",
		[CT_HELP] = "J'ai besoin d'aide",
		[CT_LEAVE] = "Je dois partir",
		[CT_PARTY] = "Combien de personnes sont avec vous, vous compris ?",
		[CT_NOTE] = "Autre chose à nous signaler (facultatif)",
		[CT_LOCATION] = "Partager ma position",
		[CT_LOCATION_ADDED] = "Position ajoutée.",
		[CT_LAST_ANSWER] = "Votre dernière réponse :",
		[CT_THANKS] = "Merci.",
		[CT_RECORDED] = "Nous avons enregistré votre réponse :",
		[CT_HELP_NEXT] = "Un agent vous contactera dès que possible. Si votre vie est en "
				 "danger, appelez les services d'urgence locaux.",
		[CT_LEAVE_NEXT] = "Nous avons noté que vous devez partir. Un agent vous "
				  "contactera pour la suite.",
		[CT_CHANGE] = "Si votre situation change, vous pouvez répondre à nouveau avec le "
			      "même lien.",
		[CT_BACK] = "Retour à la page précédente",
		[CT_NOT_FOUND] = "Ce lien n'est pas valide. Vérifiez que vous l'avez copié en entier.",
		[CT_CLOSED] = "Cet événement est clos ; les réponses ne sont plus enregistrées. "
			      "Contactez votre ambassade si vous avez besoin d'aide.",
		[CT_ERROR] = "Votre réponse n'a pas pu être enregistrée. Réessayez dans un instant.",
		[CT_BAD_PARTY] = "Le nombre de personnes doit être un nombre entier de 1 à 999.",
		[CT_BAD_STATUS] = "Choisissez l'une des trois réponses.",
		[CT_BAD_NOTE] = "La note est trop longue : 1000 caractères au plus.",
		[CT_BAD_LOCATION] = "La position est illisible ; envoyez le formulaire sans elle.",
	} },
	{ "es", false, {
		[CT_HEADING] = "Informe de situación",
		[CT_INTRO] = "Su embajada está contactando a todas las personas registradas en la "
			     "zona afectada. Díganos cómo se encuentra.",
		[CT_EXERCISE] = "Esto es un simulacro.",
		[CT_SAFE] = "Estoy a salvo",
		[CT_HELP] = "Necesito ayuda",
		[CT_LEAVE] = "Necesito salir",
		[CT_PARTY] = "¿Cuántas personas están con usted, incluido usted?",
		[CT_NOTE] = "Algo más que debamos saber (opcional)",
		[CT_LOCATION] = "Compartir mi ubicación",
		[CT_LOCATION_ADDED] = "Ubicación añadida.",
		[CT_LAST_ANSWER] = "Su última respuesta:",
		[CT_THANKS] = "Gracias.",
		[CT_RECORDED] = "Hemos registrado su respuesta:",
		[CT_HELP_NEXT] = "Un funcionario se pondrá en contacto con usted lo antes posible. "
				 "Si su vida corre peligro, llame a los servicios de emergencia "
				 "locales.",
		[CT_LEAVE_NEXT] = "Hemos anotado que necesita salir. Un funcionario se pondrá en "
				  "contacto con usted sobre los próximos pasos.",
		[CT_CHANGE] = "Si su situación cambia, puede responder de nuevo con el mismo enlace.",
		[CT_BACK] = "Volver a la página anterior",
		[CT_NOT_FOUND] = "Este enlace no es válido. Compruebe que lo ha copiado completo.",
		[CT_CLOSED] = "Este incidente está cerrado; ya no se registran respuestas. "
			      "Contacte con su embajada si necesita ayuda.",
		[CT_ERROR] = "No se pudo registrar su respuesta. Inténtelo de nuevo en un momento.",
		[CT_BAD_PARTY] = "El número de personas debe ser un número entero de 1 a 999.",
		[CT_BAD_STATUS] = "Elija una de las tres respuestas.",
		[CT_BAD_NOTE] = "La nota es demasiado larga: 1000 caracteres como máximo.",
		[CT_BAD_LOCATION] = "No se pudo leer la ubicación; envíe el formulario sin ella.",
	} },
	{ "ar", true, {
		[CT_HEADING] = "الإبلاغ عن حالتك",
		[CT_INTRO] = "تتواصل سفارتك مع جميع المسجلين في المنطقة المتضررة. يرجى إخبارنا "
			     "بحالتك.",
		[CT_EXERCISE] = "هذا تمرين.",
		[CT_SAFE] = "أنا بأمان",
		[CT_HELP] = "أحتاج إلى مساعدة",
		[CT_LEAVE] = "أحتاج إلى المغادرة",
		[CT_PARTY] = "كم عدد الأشخاص الذين معك، بمن فيهم أنت؟",
		[CT_NOTE] = "أي معلومات أخرى يجب أن نعرفها (اختياري)",
		[CT_LOCATION] = "مشاركة موقعي",
		[CT_LOCATION_ADDED] = "تمت إضافة الموقع.",
		[CT_LAST_ANSWER] = "إجابتك الأخيرة:",
		[CT_THANKS] = "شكرًا لك.",
		[CT_RECORDED] = "لقد سجلنا إجابتك:",
		[CT_HELP_NEXT] = "سيتصل بك أحد الموظفين في أقرب وقت ممكن. إذا كانت حياتك في خطر، "
				 "فاتصل بخدمات الطوارئ المحلية.",
		[CT_LEAVE_NEXT] = "لقد سجلنا أنك بحاجة إلى المغادرة. سيتصل بك أحد الموظفين بشأن "
				  "الخطوات التالية.",
		[CT_CHANGE] = "إذا تغير وضعك، يمكنك الإجابة مرة أخرى باستخدام الرابط نفسه.",
		[CT_BACK] = "العودة إلى الصفحة السابقة",
		[CT_NOT_FOUND] = "هذا الرابط غير صالح. يرجى التأكد من نسخه بالكامل.",
		[CT_CLOSED] = "تم إغلاق هذه الحادثة ولم تعد الإجابات تُسجَّل. اتصل بسفارتك إذا كنت "
			      "بحاجة إلى مساعدة.",
		[CT_ERROR] = "تعذر تسجيل إجابتك. يرجى المحاولة مرة أخرى بعد قليل.",
		[CT_BAD_PARTY] = "يجب أن يكون عدد الأشخاص عددًا صحيحًا من 1 إلى 999.",
		[CT_BAD_STATUS] = "يرجى اختيار إحدى الإجابات الثلاث.",
		[CT_BAD_NOTE] = "الملاحظة طويلة جدًا: 1000 حرف على الأكثر.",
		[CT_BAD_LOCATION] = "تعذرت قراءة الموقع؛ أرسل النموذج بدونه.",
	} },
};

const struct checkin_lang *checkin_lang_default(void)
{
	return &langs[0];
}

const struct checkin_lang *checkin_lang_find(const char *code)
{
	size_t n;

	if (!code)
		return NULL;
	/* "fr", "FR", "fr-CA" and "fr_CA" all mean French here. */
	n = strcspn(code, "-_");
	for (size_t i = 0; i < ARRAY_SIZE(langs); i++)
		if (n == strlen(langs[i].code) && strncasecmp(code, langs[i].code, n) == 0)
			return &langs[i];
	return NULL;
}

const struct checkin_lang *checkin_lang_accept(const char *header)
{
	/* The languages in the order the browser lists them; their q values
	 * are in that order too in practice, so they are not read. */
	while (header && *header) {
		char tag[16];
		size_t n;
		const struct checkin_lang *l;

		header += strspn(header, " ,");
		n = strcspn(header, ",;");
		if (n && n < sizeof(tag)) {
			memcpy(tag, header, n);
			tag[n] = '\0';
			if ((l = checkin_lang_find(tag)))
				return l;
		}
		header += n;
		header += strcspn(header, ",");
	}
	return NULL;
}

const char *checkin_status_label(const struct checkin_lang *l, const char *status)
{
	if (!strcmp(status, "safe"))
		return l->text[CT_SAFE];
	if (!strcmp(status, "needs-help"))
		return l->text[CT_HELP];
	if (!strcmp(status, "wants-evacuation"))
		return l->text[CT_LEAVE];
	return NULL;
}

/* ---- SMS replies ---- */

/*
 * The reply words, as normalize() leaves them: lower case, Latin accents
 * taken off, punctuation turned into spaces, Arabic alef forms, taa
 * marbuta and diacritics folded (so "آمن" is "امن" and "مساعدة" is
 * "مساعده").
 */
static const struct {
	const char *word;
	const char *status;
} replies[] = {
	/* English */
	{ "safe", "safe" }, { "ok", "safe" }, { "okay", "safe" }, { "fine", "safe" },
	{ "i am safe", "safe" }, { "i m safe", "safe" }, { "im safe", "safe" },
	{ "help", "needs-help" }, { "sos", "needs-help" }, { "need help", "needs-help" },
	{ "i need help", "needs-help" },
	{ "leave", "wants-evacuation" }, { "evacuate", "wants-evacuation" },
	{ "need to leave", "wants-evacuation" }, { "i need to leave", "wants-evacuation" },
	/* Chinese */
	{ "安全", "safe" }, { "我安全", "safe" }, { "我很安全", "safe" }, { "平安", "safe" },
	{ "帮助", "needs-help" }, { "救命", "needs-help" }, { "需要帮助", "needs-help" },
	{ "我需要帮助", "needs-help" },
	{ "离开", "wants-evacuation" }, { "撤离", "wants-evacuation" },
	{ "我需要离开", "wants-evacuation" }, { "我需要撤离", "wants-evacuation" },
	/* French */
	{ "sur", "safe" }, { "en securite", "safe" }, { "securite", "safe" },
	{ "je suis en securite", "safe" },
	{ "aide", "needs-help" }, { "au secours", "needs-help" },
	{ "besoin d aide", "needs-help" }, { "j ai besoin d aide", "needs-help" },
	{ "partir", "wants-evacuation" }, { "evacuer", "wants-evacuation" },
	{ "je dois partir", "wants-evacuation" },
	/* Spanish */
	{ "a salvo", "safe" }, { "seguro", "safe" }, { "segura", "safe" },
	{ "estoy a salvo", "safe" }, { "estoy bien", "safe" },
	{ "ayuda", "needs-help" }, { "socorro", "needs-help" },
	{ "necesito ayuda", "needs-help" },
	{ "salir", "wants-evacuation" }, { "evacuar", "wants-evacuation" },
	{ "necesito salir", "wants-evacuation" },
	/* Arabic */
	{ "امن", "safe" }, { "انا امن", "safe" }, { "بامان", "safe" },
	{ "انا بامان", "safe" }, { "سالم", "safe" },
	{ "مساعده", "needs-help" }, { "النجده", "needs-help" },
	{ "احتاج مساعده", "needs-help" }, { "احتاج الي مساعده", "needs-help" },
	{ "مغادره", "wants-evacuation" }, { "المغادره", "wants-evacuation" },
	{ "احتاج الي المغادره", "wants-evacuation" }, { "اخلاء", "wants-evacuation" },
};

/* U+00C0..U+00FF without their accents, lower case; '.' for signs that
 * become spaces (× and ÷). */
static const char latin1_fold[] =
	"aaaaaaaceeeeiiii" "dnooooo.ouuuuyts"
	"aaaaaaaceeeeiiii" "dnooooo.ouuuuyty";

/* Decode one UTF-8 sequence at *p (advancing it); invalid bytes come back
 * one at a time as themselves. */
static unsigned next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned cp;
	int n;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) { cp = s[0] & 0x1f; n = 1; }
	else if ((s[0] & 0xf0) == 0xe0) { cp = s[0] & 0x0f; n = 2; }
	else if ((s[0] & 0xf8) == 0xf0) { cp = s[0] & 0x07; n = 3; }
	else { *p = s + 1; return s[0]; }
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return s[0];
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*p = s + n + 1;
	return cp;
}

static void add_cp(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (int)(0xc0 | (cp >> 6)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (int)(0xe0 | (cp >> 12)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (int)(0xf0 | (cp >> 18)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}

/* One character of the folded form: appended to `out`, or a space. */
static void fold_cp(struct strbuf *out, unsigned cp)
{
	bool space = false;

	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		else if (!((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')))
			space = true;
	} else if (cp >= 0xc0 && cp <= 0xff) {
		char c = latin1_fold[cp - 0xc0];
		if (c == '.')
			space = true;
		else if (cp == 0xdf)
			strbuf_addstr(out, "s"), cp = 's';  /* ß: "ss" */
		else
			cp = (unsigned char)c;
	} else if (cp == 0xa0 || (cp >= 0xa1 && cp <= 0xbf) ||
		   (cp >= 0x2000 && cp <= 0x206f) ||   /* general punctuation */
		   (cp >= 0x3000 && cp <= 0x303f) ||   /* CJK punctuation */
		   (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
		   cp == 0x060c || cp == 0x061b || cp == 0x061f || cp == 0x06d4) {
		space = true;
	} else if (cp >= 0xff10 && cp <= 0xff19) {
		cp = '0' + (cp - 0xff10);            /* full-width digits */
	} else if (cp >= 0x0660 && cp <= 0x0669) {
		cp = '0' + (cp - 0x0660);            /* Arabic-Indic digits */
	} else if (cp >= 0x06f0 && cp <= 0x06f9) {
		cp = '0' + (cp - 0x06f0);
	} else if (cp == 0x0622 || cp == 0x0623 || cp == 0x0625) {
		cp = 0x0627;                         /* alef forms: bare alef */
	} else if (cp == 0x0629) {
		cp = 0x0647;                         /* taa marbuta: haa */
	} else if (cp == 0x0649) {
		cp = 0x064a;                         /* alef maksura: yaa */
	} else if ((cp >= 0x064b && cp <= 0x0652) || cp == 0x0640) {
		return;                              /* harakat, tatweel */
	}
	if (space) {
		if (out->len && out->buf[out->len - 1] != ' ')
			strbuf_addch(out, ' ');
		return;
	}
	add_cp(out, cp);
}

static void normalize(const char *text, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)text;

	strbuf_reset(out);
	while (*p)
		fold_cp(out, next_cp(&p));
	strbuf_rtrim(out);
}

/* A number of people at *p (1 to 999), advancing past it; -1 if none. */
static int take_number(const char **p)
{
	const char *s = *p;
	int n = 0, digits = 0;

	while (*s >= '0' && *s <= '9') {
		if (++digits > 3)
			return -1;
		n = n * 10 + (*s++ - '0');
	}
	if (!digits || (*s && *s != ' ' && (unsigned char)*s < 0x80))
		return -1;
	*p = s + (*s == ' ');
	return n >= 1 ? n : -1;
}

int checkin_parse_reply(const char *text, const char **status, int *party_size,
			struct strbuf *rest)
{
	struct strbuf norm = STRBUF_INIT;
	const char *p, *after = NULL;
	size_t best = 0;
	int n;

	normalize(text, &norm);
	p = norm.buf;
	n = take_number(&p);
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++) {
		size_t len = strlen(replies[i].word);
		unsigned char end;

		if (len <= best || strncmp(p, replies[i].word, len) != 0)
			continue;
		end = (unsigned char)p[len];
		/* Words end at a space or the end, except Chinese ones,
		 * which are written without spaces ("安全3人"). */
		if (end && end != ' ' && (unsigned char)replies[i].word[0] < 0xe3)
			continue;
		best = len;
		*status = replies[i].status;
		after = p + len;
	}
	if (!best) {
		strbuf_release(&norm);
		return HW_EINPUT;
	}
	while (*after == ' ')
		after++;
	if (n < 0)
		n = take_number(&after);
	*party_size = n;
	if (rest) {
		strbuf_reset(rest);
		strbuf_addstr(rest, after);
		strbuf_rtrim(rest);
	}
	strbuf_release(&norm);
	return HW_OK;
}
