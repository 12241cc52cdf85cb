import fc from 'fast-check';
let proto = 0, negz = 0, inv = 0;
const hasProto = (v: unknown): boolean => { if (v && typeof v === 'object') { if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return true; return Object.values(v).some(hasProto); } return false; };
const hasNegZ = (v: unknown): boolean => Object.is(v, -0) || (v !== null && typeof v === 'object' && Object.values(v).some(hasNegZ));
for (const v of fc.sample(fc.jsonValue(), 5000)) { if (hasProto(v)) proto++; if (hasNegZ(v)) negz++; }
for (const d of fc.sample(fc.date(), 2000)) if (isNaN(d.getTime())) inv++;
console.log({ proto, negz, inv });
