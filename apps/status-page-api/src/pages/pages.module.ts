import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ContentModule } from '../content/content.module';
import { PageSettingsRepository } from './page-settings.repository';
import { PageSettings, PageSettingsSchema } from './page-settings.schema';
import { PagesController } from './pages.controller';
import { PagesService } from './pages.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: PageSettings.name, schema: PageSettingsSchema }]), ContentModule],
  controllers: [PagesController],
  providers: [PageSettingsRepository, PagesService],
})
export class PagesModule {}
