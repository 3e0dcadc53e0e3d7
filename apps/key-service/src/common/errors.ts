import { ConflictException, NotFoundException } from '@nestjs/common';

export const notFound = (what: string) => new NotFoundException({ error: 'not_found', message: `${what} not found` });
export const conflict = (message: string) => new ConflictException({ error: 'conflict', message });
