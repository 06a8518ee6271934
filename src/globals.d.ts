declare const __PORTOWN_VERSION__: string;
