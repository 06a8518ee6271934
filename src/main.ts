import { main } from './cli/command';

main();
