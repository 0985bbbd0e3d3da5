import type { CustomFieldDef } from '@sdr/domain';
import { describe, expect, it } from 'vitest';
import { checkMapping, foldHeader, LEAD_IMPORT_FIELDS, suggestMapping } from './mapping.ts';

describe('suggestMapping', () => {
  it('recognises a HubSpot contacts export', () => {
    const headers = [
      'Record ID',
      'First Name',
      'Last Name',
      'Email',
      'Phone Number',
      'Mobile Phone Number',
      'Company Name',
      'Job Title',
      'Industry',
      'Number of Employees',
      'Website URL',
      'Country/Region',
      'Time Zone',
      'Lead Status',
      'Original Source',
      'Contact owner',
      'Create Date',
      'Marketing contact status',
      'Unsubscribed from all email',
    ];
    expect(suggestMapping(headers)).toEqual({
      'Record ID': 'ignore',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      'Phone Number': 'phone',
      'Mobile Phone Number': 'phone',
      'Company Name': 'company',
      'Job Title': 'title',
      Industry: 'industry',
      'Number of Employees': 'companySize',
      'Website URL': 'website',
      'Country/Region': 'country',
      'Time Zone': 'timezone',
      'Lead Status': 'status',
      'Original Source': 'source',
      'Contact owner': 'ownerId',
      'Create Date': 'createdAt',
      'Marketing contact status': 'ignore',
      'Unsubscribed from all email': 'optOut:consentEmail',
    });
  });

  it('recognises a Salesforce lead export', () => {
    const headers = [
      'FirstName',
      'LastName',
      'Email',
      'Phone',
      'MobilePhone',
      'Company',
      'Title',
      'Industry',
      'NumberOfEmployees',
      'Website',
      'Country',
      'LeadSource',
      'Status',
      'Owner Name',
      'Lead Owner',
      'HasOptedOutOfEmail',
      'DoNotCall',
      'CreatedDate',
      'Id',
    ];
    expect(suggestMapping(headers)).toEqual({
      FirstName: 'firstName',
      LastName: 'lastName',
      Email: 'email',
      Phone: 'phone',
      MobilePhone: 'phone',
      Company: 'company',
      Title: 'title',
      Industry: 'industry',
      NumberOfEmployees: 'companySize',
      Website: 'website',
      Country: 'country',
      LeadSource: 'source',
      Status: 'status',
      'Owner Name': 'ownerId',
      'Lead Owner': 'ownerId',
      HasOptedOutOfEmail: 'optOut:consentEmail',
      DoNotCall: 'optOut:consentCalls',
      CreatedDate: 'createdAt',
      Id: 'ignore',
    });
  });

  it('recognises our own field names in any case or separator style', () => {
    const headers = LEAD_IMPORT_FIELDS.flatMap((f) => [
      f,
      f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    ]);
    const mapping = suggestMapping(headers);
    for (const field of LEAD_IMPORT_FIELDS) {
      expect(mapping[field]).toBe(field);
      expect(mapping[field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]).toBe(field);
    }
  });

  it.each([
    ['E-Mail', 'email'],
    ['email_address', 'email'],
    ['  EMAIL  ', 'email'],
    ['Vorname', 'firstName'],
    ['Nachname', 'lastName'],
    ['Telefon', 'phone'],
    ['Firma', 'company'],
    ['Land', 'country'],
    ['Full Name', 'fullName'],
    ['Name', 'fullName'],
    ['Tags', 'tags'],
    ['Do Not Contact', 'doNotContact'],
    ['Last Contacted', 'lastContactedAt'],
    ['Notes', 'ignore'],
    ['Favourite colour', 'ignore'],
  ])('%j → %s', (header, target) => {
    expect(suggestMapping([header])[header]).toBe(target);
  });

  it('maps custom fields by label or key, before CRM spellings', () => {
    const custom: CustomFieldDef[] = [
      { key: 'plan', label: 'Plan', type: 'select', options: ['Free', 'Pro'] },
      { key: 'renewal_date', label: 'Renewal date', type: 'date' },
      { key: 'position', label: 'Position', type: 'text' },
    ];
    expect(
      suggestMapping(['Plan', 'renewal_date', 'RENEWAL DATE', 'Position', 'Title'], custom),
    ).toEqual({
      Plan: 'custom:plan',
      renewal_date: 'custom:renewal_date',
      'RENEWAL DATE': 'custom:renewal_date',
      Position: 'custom:position', // a custom field named "Position" beats the alias for title
      Title: 'title',
    });
  });

  it('folds headers', () => {
    expect(foldHeader('Country/Region')).toBe('countryregion');
    expect(foldHeader('Prénom')).toBe('prenom');
    expect(foldHeader(' E-Mail Address ')).toBe('emailaddress');
  });
});

describe('checkMapping', () => {
  it('accepts a suggested mapping', () => {
    const headers = ['Email', 'Plan', 'Whatever'];
    const custom: CustomFieldDef[] = [{ key: 'plan', label: 'Plan', type: 'text' }];
    expect(checkMapping(headers, suggestMapping(headers, custom), custom)).toEqual([]);
  });

  it('names what is wrong', () => {
    expect(
      checkMapping(['A', 'B', 'C', 'D'], {
        A: 'custom:nope',
        B: 'favourite' as never,
        C: 'optOut:consentFax' as never,
        Z: 'email',
      }),
    ).toEqual([
      '"A" is mapped to an unknown custom field "nope"',
      '"B" is mapped to an unknown field "favourite"',
      '"C" is mapped to an unknown opt-out "optOut:consentFax"',
      '"Z" is not a column of this file',
    ]);
  });
});
