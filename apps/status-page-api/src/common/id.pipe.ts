import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { idSchema } from '@sp/contracts';
import { validationError } from '@sp/platform';

/**
 * Path ids (`:pageId`, `:id`): letters, digits, "_" and "-", 1..128 characters. Anything else is a
 * 400 naming the parameter, before any database access.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    const result = idSchema.safeParse(value);
    if (!result.success) {
      const field = metadata.data ?? 'id';
      throw validationError(result.error.issues.map((issue) => ({ field, reason: issue.message })));
    }
    return result.data;
  }
}
