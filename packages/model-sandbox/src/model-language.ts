// Crude language detection by marker words, plus one canned acknowledgement per language. Enough for the
// non-English scenarios in the evals; it is a script, not a classifier.
export type LanguageCode = 'en' | 'es' | 'fr' | 'de' | 'pt';

// Whole-word markers (matched against lowercased text); order decides ties such as "obrigado" vs "gracias".
const MARKERS: readonly (readonly [LanguageCode, readonly string[]])[] = [
  ['es', ['hola', 'gracias', '¿', '¡', 'por favor', 'tengo', 'cuenta', 'necesito', 'ayuda', 'factura', 'está', 'cómo']],
  ['pt', ['olá', 'obrigado', 'obrigada', 'você', 'não', 'preciso', 'minha', 'conta', 'ajuda']],
  ['fr', ['bonjour', 'merci', 'je ', "j'ai", 'mon compte', 'svp', "s'il vous plaît", 'ça', 'besoin']],
  ['de', ['hallo', 'danke', 'bitte', 'ich ', 'nicht', 'mein ', 'funktioniert', 'rechnung', 'guten tag']],
];

export function detectLanguage(lowercased: string): LanguageCode {
  let best: { lang: LanguageCode; hits: number } = { lang: 'en', hits: 0 };
  for (const [lang, words] of MARKERS) {
    const hits = words.filter((w) => lowercased.includes(w)).length;
    if (hits > best.hits) best = { lang, hits };
  }
  return best.lang;
}

const ACKNOWLEDGEMENTS: Record<LanguageCode, string> = {
  en: 'Thanks for reaching out! We have received your message and a teammate will follow up shortly.',
  es: '¡Gracias por escribirnos! Hemos recibido tu mensaje y un miembro del equipo te responderá en breve.',
  fr: 'Merci de nous avoir contactés ! Nous avons bien reçu votre message et un membre de l’équipe vous répondra rapidement.',
  de: 'Danke für Ihre Nachricht! Wir haben sie erhalten und ein Teammitglied meldet sich in Kürze bei Ihnen.',
  pt: 'Obrigado por entrar em contato! Recebemos sua mensagem e alguém da equipe responderá em breve.',
};

export function acknowledgement(lang: LanguageCode): string {
  return ACKNOWLEDGEMENTS[lang];
}
