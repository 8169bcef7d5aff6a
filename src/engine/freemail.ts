/**
 * Free-mail providers: an address at one of these domains says nothing about an employer.
 * Lower-case domains; subdomain-free. Extend a rule with `emailDomainIn` for local providers.
 */
export const FREEMAIL_DOMAINS: ReadonlySet<string> = new Set([
  "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "yahoo.co.uk", "yahoo.de", "yahoo.es", "yahoo.it",
  "ymail.com", "rocketmail.com", "hotmail.com", "hotmail.fr", "hotmail.co.uk", "hotmail.de", "hotmail.it",
  "hotmail.es", "outlook.com", "outlook.fr", "live.com", "live.fr", "live.co.uk", "msn.com", "aol.com",
  "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "gmx.com", "gmx.de", "gmx.fr",
  "gmx.net", "web.de", "t-online.de", "freenet.de", "mail.com", "mail.ru", "yandex.ru", "yandex.com",
  "zoho.com", "tutanota.com", "tuta.io", "fastmail.com", "hey.com", "orange.fr", "wanadoo.fr", "free.fr",
  "laposte.net", "sfr.fr", "neuf.fr", "bbox.fr", "libero.it", "virgilio.it", "qq.com", "163.com", "126.com",
  "naver.com", "daum.net", "rediffmail.com", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "btinternet.com",
  "sky.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bigpond.com", "shaw.ca", "rogers.com",
]);
