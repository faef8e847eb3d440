import { describe, expect, it } from 'vitest';
import { matchCheckInWords, type CheckInWords } from '../../bot/domain/check-in-words.js';
import { langs, translator } from '../../bot/core/i18n.js';

const words = (lang: string): CheckInWords => {
  const t = translator(lang);
  const list = (key: string) => t(`checkin.words.${key}`).split('|');
  return { fine: list('fine'), help: list('help'), filler: list('filler') };
};

describe('check-in words', () => {
  const it_ = [words('it')];
  it.each([
    'sto bene',
    'Sto bene!',
    'bene grazie',
    'Bene, grazie mille.',
    'Sì, sto bene',
    'Buongiorno! Tutto bene, grazie 😊',
    '👍',
    '👍🏻👍🏻',
    'ok',
  ])('"%s" is fine', (text) => expect(matchCheckInWords(text, it_)).toBe('fine'));

  it.each(['aiuto', 'AIUTO!!!', 'aiuto per favore', 'Mi serve aiuto', '🆘'])('"%s" is help', (text) =>
    expect(matchCheckInWords(text, it_)).toBe('help'),
  );

  it.each([
    'non sto bene',
    'sono dal medico',
    'sto bene ma ho fame',
    'bene ma aiuto col gas',
    'grazie',
    '',
    '   ',
    'non ho bisogno di aiuto',
  ])('"%s" is no answer', (text) => expect(matchCheckInWords(text, it_)).toBeNull());

  it('English phrases, apostrophes typed either way', () => {
    for (const text of ["I'm fine", 'I’m fine, thanks', 'all good', 'Good morning! I am OK'])
      expect(matchCheckInWords(text, [words('en')])).toBe('fine');
    expect(matchCheckInWords('Help!', [words('en')])).toBe('help');
    expect(matchCheckInWords("I'm not fine", [words('en')])).toBeNull();
  });

  it('every language has its own phrases', () => {
    for (const lang of langs) {
      const w = words(lang);
      expect(w.fine.length, lang).toBeGreaterThan(3);
      expect(w.help.length, lang).toBeGreaterThan(1);
      expect(matchCheckInWords('👍', [w]), lang).toBe('fine');
      expect(matchCheckInWords('🆘', [w]), lang).toBe('help');
    }
  });
});
