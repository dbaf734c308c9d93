/** The extensions that make a certificate look like a qualified signing certificate (ETSI EN 319 412-5 QC statements). */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  id_pe_qcStatements,
  id_qcs_pkixQCSyntax_v2,
  QCStatement,
  QCStatements,
  SemanticsInformation,
} from '@peculiar/asn1-x509-qualified';
import * as asn1js from 'asn1js';
import { x509 } from '../crypto-provider.js';

export const QC_OIDS = {
  qcCompliance: '0.4.0.1862.1.1',
  qcSSCD: '0.4.0.1862.1.4',
  qcType: '0.4.0.1862.1.6',
  qcTypeESign: '0.4.0.1862.1.6.1',
  semanticsNaturalPerson: '0.4.0.194121.1.1',
  /** ETSI policy for EU qualified certificates issued to natural persons on a QSCD. */
  policyQcpNQscd: '0.4.0.194112.1.2',
  /** The sandbox's own (made-up) certificate policy arc. */
  sandboxPolicy: '1.3.6.1.4.1.49274.99.1',
} as const;

function statement(statementId: string, statementInfo?: ArrayBuffer): QCStatement {
  const s = new QCStatement();
  s.statementId = statementId;
  if (statementInfo) s.statementInfo = statementInfo;
  else delete (s as Partial<QCStatement>).statementInfo;
  return s;
}

/** QCStatements: pkixQCSyntax-v2 (natural person), QcCompliance, QcSSCD, QcType esign. */
export function qcStatementsExtension(): x509.Extension {
  const qcType = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: QC_OIDS.qcTypeESign })],
  }).toBER();
  const statements = new QCStatements([
    statement(
      id_qcs_pkixQCSyntax_v2,
      AsnConvert.serialize(new SemanticsInformation({ semanticsIdentifier: QC_OIDS.semanticsNaturalPerson })),
    ),
    statement(QC_OIDS.qcCompliance),
    statement(QC_OIDS.qcSSCD),
    statement(QC_OIDS.qcType, qcType),
  ]);
  return new x509.Extension(id_pe_qcStatements, false, AsnConvert.serialize(statements));
}

export function qualifiedPoliciesExtension(): x509.Extension {
  return new x509.CertificatePolicyExtension([QC_OIDS.policyQcpNQscd, QC_OIDS.sandboxPolicy]);
}
