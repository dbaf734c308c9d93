/** Injection token of the module's options (`ItsmeSignModuleOptions`), as given to `forRoot`/`forRootAsync`. */
export const ITSME_SIGN_OPTIONS = Symbol.for('@itsme-sign/nestjs:options');
